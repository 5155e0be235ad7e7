// samples.jsonl held against the run's plan: exactly one record is scored per planned example. An
// exact repeat of a record is dropped (and reported); two different records for one example are an
// error, because choosing one would be choosing a score; a record for an example the plan does not
// select is reported and left out. eval (resume and scoring), rescore and compare read through
// here.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "biomedq/record.h"
#include "biomedq/result.h"
#include "runner/eval_plan.h"

namespace biomedq::runner {

struct PlannedSamples {
    std::map<std::string, std::vector<SampleRecord>>
        by_task;  // at most one record per planned example
    std::size_t n_scored = 0;
    SampleRepairs repairs;
};

// Reads `path` (read-only; a missing file is an empty log) and matches its records to `plan`.
// Errors: those of read_sample_log_content (malformed record: file, line, field); kConflict when
// two different records answer the same example, naming both lines.
Result<PlannedSamples> load_planned_samples(const std::filesystem::path& path,
                                            const EvalPlan& plan);

// One line per kind of repair, for stderr ("<path>: ..."); empty when there was none.
std::vector<std::string> repair_notes(const SampleRepairs& repairs,
                                      const std::filesystem::path& path);

}  // namespace biomedq::runner
