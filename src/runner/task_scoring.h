// Turns a task's sample records into its results section: every metric with its bootstrap CI, the
// invalid-output rate and per-class scores. eval and rescore both score through here, so rescoring
// unchanged samples reproduces results.json exactly.
#pragma once

#include <vector>

#include "biomedq/record.h"
#include "biomedq/task.h"

namespace biomedq::runner {

// `records` are one task's samples; they are scored in their index order (the order examples were
// selected), which makes the bootstrap reproducible whatever order examples finished in.
Result<TaskResult> score_task(const TaskConfig& task, std::vector<SampleRecord> records,
                              int bootstrap_resamples, std::uint64_t seed);

}  // namespace biomedq::runner
