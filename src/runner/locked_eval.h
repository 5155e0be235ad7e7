// run_eval for a caller that already holds the run directory's lock: a sweep holds each cell's lock
// across quantizing, evaluating, measuring fidelity and storing the cell, and a second lock on the
// same directory from the same process would be refused like any other.
#pragma once

#include <atomic>

#include "biomedq/runner.h"
#include "runner/run_lock.h"

namespace biomedq::runner {

// As run_eval; `lock` must be the lock of config.out_dir (kInternal otherwise).
Result<RunOutcome> run_eval_holding_lock(const RunConfig& config, const RunDirectoryLock& lock,
                                         const std::atomic<bool>* cancel);

}  // namespace biomedq::runner
