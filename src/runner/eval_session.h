// run_eval in named stages over an injected Backend:
//   plan (tasks, examples) -> session (lock, claim the directory, open the log, what is pending)
//   -> generate / log-likelihood (each finished example appended as it finishes) -> finish
//   (results.json).
// run_eval builds the in-process or server backend itself; run_eval_with takes one, so tests script
// the model and the runner's own logic (resume, repairs, ties, write failures) runs in
// milliseconds.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "biomedq/backend.h"
#include "biomedq/quant.h"
#include "biomedq/runner.h"
#include "record/sample_log.h"
#include "runner/eval_plan.h"
#include "runner/progress.h"
#include "runner/results_document.h"
#include "runner/run_lock.h"

namespace biomedq::runner {

// The model as results.json names it: empty path, sha and info for server runs.
struct EvalModel {
    std::string path;
    std::string sha256;
    ModelInfo info;
};

// Seams for tests: a sink between the runner and the sample log (e.g. one that fails).
struct EvalHooks {
    std::function<std::unique_ptr<record::SampleSink>(record::SampleSink& log)> wrap_sink;
};

struct PendingExample {
    const TaskPlan* plan = nullptr;
    std::size_t index = 0;  // position in plan->examples
    const Example& example() const { return plan->examples[index]; }
};

// One invocation's state, from claiming the directory to writing results.json.
struct EvalSession {
    std::chrono::steady_clock::time_point t_start = std::chrono::steady_clock::now();
    RunConfig config;
    EvalModel model;
    EvalPlan plan;
    std::filesystem::path out;
    std::optional<RunDirectoryLock> own_lock;
    nlohmann::json identity;
    std::optional<record::SampleLog> log;
    std::unique_ptr<record::SampleSink> wrapped_sink;
    std::vector<PendingExample> pending;
    std::size_t n_total = 0, n_already = 0;
    SessionMeasurements measurements;
    // Set when the backend stopped short (every server unreachable, a decode failure): what
    // finished is kept and results.json is written, marked incomplete, before the error is
    // returned.
    Status stopped = Status::success();
    std::string last_unanswered;  // the last transport failure, for the message

    record::SampleSink& sink() { return wrapped_sink ? *wrapped_sink : *log; }
};

// Stage 1+2: plans, locks (unless `held_lock`), hashes the model, claims the directory, opens the
// log (recovering a cut last line), checks it against the plan and lists what is pending.
Result<std::unique_ptr<EvalSession>> open_session(const RunConfig& config, EvalModel model,
                                                  const RunDirectoryLock* held_lock,
                                                  const EvalHooks& hooks);

// Stage 3: runs the pending examples through `backend`, appending each as it finishes; sets
// session.stopped when the backend stops short. Errors: kCancelled, a sample that cannot be
// written.
Status run_pending(EvalSession& session, Backend& backend, int parallel,
                   const std::atomic<bool>* cancel);
Status run_generation(EvalSession& session, Backend& backend, Progress& progress,
                      const std::atomic<bool>* cancel);
Status run_loglik(EvalSession& session, Backend& backend, int parallel, Progress& progress,
                  const std::atomic<bool>* cancel);

// Stage 4: results.json from the log and the measurements; an error when examples are left
// without an answer (the run is marked incomplete and can be rerun).
Result<RunOutcome> finish_session(EvalSession& session);

// The whole run over a given backend (the directory must not be locked by this process).
Result<RunOutcome> run_eval_with(const RunConfig& config, const EvalModel& model, Backend& backend,
                                 const std::atomic<bool>* cancel = nullptr,
                                 const EvalHooks& hooks = {});

}  // namespace biomedq::runner
