// Stages 1 and 2 of an eval: the plan, then the session in the run directory (lock, identity,
// sample log, what is still to run).
#include "runner/eval_session.h"

#include <cstdio>

#include "core/file_io.h"
#include "core/redact.h"
#include "core/sha256.h"
#include "core/utc_time.h"
#include "runner/planned_samples.h"
#include "runner/run_directory.h"

namespace biomedq::runner {
namespace {

// The run's identity (config.json): the spec, the model (file hash, or the servers' model name) and
// the task files' hashes.
nlohmann::json identity_of(const EvalSession& s) {
    nlohmann::json identity = to_json(static_cast<const EvalSpec&>(s.config));
    if (!s.config.endpoints.empty()) {
        // Endpoint URLs may carry a password or token (core/redact.h): the identity keeps them
        // redacted.
        std::vector<std::string> endpoints;
        for (const auto& url : s.config.endpoints) endpoints.push_back(redact(url));
        identity["server_model"] = s.config.model_name.empty()
                                       ? nlohmann::json(endpoints)
                                       : nlohmann::json(s.config.model_name);
    } else {
        identity["model_sha256"] = s.model.sha256;
    }
    nlohmann::json task_hashes = nlohmann::json::object();
    for (const auto& tp : s.plan.tasks) {
        auto text = read_file(tp.task.source_path);
        task_hashes[tp.task.name] = text.ok() ? sha256_hex(text.value()) : std::string("builtin");
    }
    identity["task_config_sha256"] = task_hashes;
    return identity;
}

// Checks the log against the plan before any work (two different answers for one example stop here,
// not after an hour of generation) and says what will be left out of the scores.
Status check_log_against_plan(const EvalSession& s) {
    const auto path = s.out / "samples.jsonl";
    BIOMEDQ_ASSIGN(PlannedSamples existing, load_planned_samples(path, s.plan));
    existing.repairs.n_partial_line_bytes += s.log->n_recovered_bytes();
    for (const auto& note : repair_notes(existing.repairs, path))
        std::fprintf(stderr, "biomedq: note: %s\n", note.c_str());
    return Status::success();
}

void list_pending(EvalSession& s) {
    for (const auto& tp : s.plan.tasks) {
        for (std::size_t i = 0; i < tp.examples.size(); ++i) {
            ++s.n_total;
            if (s.log->contains(tp.task.name, tp.examples[i].id)) {
                ++s.n_already;
            } else {
                s.pending.push_back(PendingExample{&tp, i});
            }
        }
    }
}

}  // namespace

Result<std::unique_ptr<EvalSession>> open_session(const RunConfig& config, EvalModel model,
                                                  const RunDirectoryLock* held_lock,
                                                  const EvalHooks& hooks) {
    auto s = std::make_unique<EvalSession>();
    s->config = config;
    s->model = std::move(model);
    BIOMEDQ_ASSIGN(s->plan, plan_eval(config));
    s->out = config.out_dir;
    // Before anything in the directory is read or written: another process may be writing it. Taken
    // after the cheap checks of the arguments (a typo leaves no directory behind), before hashing a
    // model that may take minutes, so a second eval is refused at once.
    if (!held_lock) {
        BIOMEDQ_ASSIGN(auto lock, RunDirectoryLock::acquire(s->out, /*create_directory=*/true));
        s->own_lock.emplace(std::move(lock));
    }
    if (config.endpoints.empty() && s->model.sha256.empty()) {
        BIOMEDQ_ASSIGN(s->model.sha256, sha256_file_cached(config.model_path));
    }
    s->identity = identity_of(*s);
    BIOMEDQ_TRY(claim_run_directory(s->out, s->identity));
    BIOMEDQ_ASSIGN(auto log, record::SampleLog::open(s->out / "samples.jsonl"));
    s->log.emplace(std::move(log));
    if (hooks.wrap_sink) s->wrapped_sink = hooks.wrap_sink(*s->log);
    BIOMEDQ_TRY(check_log_against_plan(*s));
    list_pending(*s);
    s->measurements.started_at = utc_timestamp_now();
    s->measurements.n_partial_line_bytes_cut = s->log->n_recovered_bytes();
    return s;
}

}  // namespace biomedq::runner
