// run_eval: the stages of eval_session.h with the backend this configuration names (in-process
// llama.cpp in the batch shape the run started with, or OpenAI-compatible servers).
#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "biomedq/memory_simulation.h"
#include "core/cpu_threads.h"
#include "core/utc_time.h"
#include "runner/backend_factory.h"
#include "runner/batch_shape.h"
#include "runner/batch_sizes.h"
#include "runner/device_overhead.h"
#include "runner/environment.h"
#include "runner/eval_session.h"
#include "runner/locked_eval.h"
#include "runner/parallel_choice.h"

namespace biomedq {
namespace runner {
namespace {

// The batch shape of this invocation: the recorded one on resume (README "Greedy determinism"),
// else
// --parallel resolved for the pending examples, recorded before the first of them runs.
Result<BatchShape> batch_shape_for_session(const RunConfig& config, const ModelInfo& info,
                                           std::size_t n_pending,
                                           const std::filesystem::path& out) {
    BIOMEDQ_ASSIGN(const auto recorded, read_batch_shape(out));
    BIOMEDQ_ASSIGN(const BatchSizes sizes, batch_sizes_for(config, runs_on_gpu(config)));
    BatchShape fresh{0,
                     sizes.n_batch,
                     sizes.n_ubatch,
                     config.threads > 0 ? config.threads : default_thread_count(),
                     config.prefix_reuse,
                     config.kv_unified};
    std::optional<ParallelChoice> choice;
    if (recorded && config.parallel == "auto") {
        fresh.parallel = recorded->parallel;  // no memory probe: the run started with this
        if (config.progress) {
            std::fprintf(stderr,
                         "biomedq: --parallel auto: %d, as this run started with (config.json "
                         "batch_shape)\n",
                         recorded->parallel);
        }
    } else {
        BIOMEDQ_ASSIGN(choice, choose_parallel(config, info, n_pending));
        fresh.parallel = choice->parallel;
        // Said whenever memory decided it, quiet or not: it is what a user tunes --ctx or the type
        // by.
        if (choice->method != "requested") {
            std::fprintf(stderr, "biomedq: --parallel auto chose %d: %s\n", choice->parallel,
                         choice->reason.c_str());
        }
    }
    const BatchShapeDecision decision =
        decide_batch_shape(config.parallel, config.threads, fresh, recorded);
    if (!decision.warning.empty())
        std::fprintf(stderr, "biomedq: warning: %s\n", decision.warning.c_str());
    if (!recorded) {
        BIOMEDQ_TRY(record_batch_shape(out, decision.shape));
        if (choice) BIOMEDQ_TRY(record_parallel_choice(out, *choice));
    }
    return decision.shape;
}

Status check_backend(const EvalSession& s, const Backend& backend) {
    if (s.config.chat && !backend.supports_chat()) {
        return make_error(
            ErrorCode::kUnsupported,
            s.config.model_path + ": the model has no chat template; rerun with --no-chat");
    }
    if (s.config.constrained) BIOMEDQ_TRY(backend.supports_grammar());
    if (s.config.mc_mode == "loglik") BIOMEDQ_TRY(backend.supports_loglik());
    return Status::success();
}

void take_measurements(EvalSession& s, const Backend& backend) {
    auto& out = s.measurements.measured;
    out = backend.measurements();
    // What the driver showed beyond llama.cpp's buffers, kept for `info` on this host (issue 15).
    // A cache that cannot be written only leaves `info` with its own at-load reading.
    for (const auto& o : device_overheads(out.buffers, out.devices)) {
        if (o.bytes_buffers > 0)
            (void)record_device_run_growth(o.description, o.bytes_run_growth, utc_timestamp_now());
    }
}

// An incomplete run is a failure (non-zero exit), never a result that looks finished.
Error incomplete_error(const EvalSession& s, std::size_t n_missing) {
    const auto& m = s.measurements;
    const std::string why =
        !s.stopped.ok()
            ? s.stopped.error().message
            : fmt::format("{} example{} got no answer (last error: {})", m.n_examples_unanswered,
                          m.n_examples_unanswered == 1 ? "" : "s", s.last_unanswered);
    return make_error(
        !s.stopped.ok() ? s.stopped.error().code : ErrorCode::kBackend,
        fmt::format("{}; {} of {} examples have an answer, {} have none and nothing was recorded "
                    "for them; {}/results.json is marked incomplete: rerun the same command to "
                    "run the missing ones",
                    why, s.n_total - n_missing, s.n_total, n_missing, s.out.string()));
}

Result<EvalModel> local_model(const RunConfig& config) {
    EvalModel model;
    if (!config.endpoints.empty()) return model;  // identified by the servers' model name
    BIOMEDQ_TRY(check_gguf_file(config.model_path));
    BIOMEDQ_ASSIGN(model.info, read_model_info(config.model_path));
    model.path = config.model_path;
    return model;
}

Result<RunOutcome> run_in_directory(const RunConfig& config, const RunDirectoryLock* held_lock,
                                    const std::atomic<bool>* cancel) {
    if (config.out_dir.empty())
        return make_error(ErrorCode::kInvalidArgument, "--out: a run directory is required");
    BIOMEDQ_ASSIGN(EvalModel model, local_model(config));
    BIOMEDQ_ASSIGN(auto session, open_session(config, std::move(model), held_lock, {}));
    EvalSession& s = *session;
    if (!s.pending.empty()) {
        BatchShape shape;
        shape.parallel = static_cast<int>(config.endpoints.size()) * config.endpoint_concurrency;
        if (config.endpoints.empty()) {
            BIOMEDQ_ASSIGN(shape,
                           batch_shape_for_session(config, s.model.info, s.pending.size(), s.out));
            s.measurements.batch_shape = shape;
        }
        BIOMEDQ_ASSIGN(auto backend, make_backend(config, shape));
        BIOMEDQ_TRY(run_pending(s, *backend, shape.parallel, cancel));
    } else {
        s.measurements.measured.devices = list_gpu_devices();
    }
    return finish_session(s);
}

}  // namespace

Status run_pending(EvalSession& s, Backend& backend, int parallel,
                   const std::atomic<bool>* cancel) {
    s.measurements.parallel = parallel;
    BIOMEDQ_TRY(check_backend(s, backend));
    Progress progress(s.n_total, s.n_already, s.config.progress);
    Status generated = run_generation(s, backend, progress, cancel);
    if (generated.ok()) generated = run_loglik(s, backend, parallel, progress, cancel);
    progress.finish();
    BIOMEDQ_TRY(generated);
    take_measurements(s, backend);
    return Status::success();
}

Result<RunOutcome> finish_session(EvalSession& s) {
    auto& m = s.measurements;
    m.t_wall_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s.t_start)
            .count();
    m.host_peak_rss_bytes = host_peak_rss_bytes();
    m.finished_at = utc_timestamp_now();
    const ResultsInputs inputs{s.config, s.plan, s.model.info, s.model.sha256, s.identity, m};
    BIOMEDQ_ASSIGN(const RunRecord run, build_run_record(inputs, s.out));
    BIOMEDQ_TRY(write_run_record(s.out, run));
    const std::size_t n_missing = s.n_total - s.n_already - m.n_examples;
    if (!s.stopped.ok() || n_missing > 0) return incomplete_error(s, n_missing);
    RunOutcome outcome;
    outcome.results_path = s.out / "results.json";
    outcome.n_examples_total = s.n_total;
    outcome.n_examples_resumed = s.n_already;
    outcome.n_examples_run = m.n_examples;
    outcome.summary_table = summary_table(run);
    return outcome;
}

Result<RunOutcome> run_eval_with(const RunConfig& config, const EvalModel& model, Backend& backend,
                                 const std::atomic<bool>* cancel, const EvalHooks& hooks) {
    if (config.out_dir.empty())
        return make_error(ErrorCode::kInvalidArgument, "--out: a run directory is required");
    BIOMEDQ_ASSIGN(auto session, open_session(config, model, nullptr, hooks));
    if (!session->pending.empty()) {
        BIOMEDQ_TRY(run_pending(*session, backend, std::max(1, std::atoi(config.parallel.c_str())),
                                cancel));
    }
    return finish_session(*session);
}

Result<RunOutcome> run_eval_holding_lock(const RunConfig& config, const RunDirectoryLock& lock,
                                         const std::atomic<bool>* cancel) {
    if (lock.directory() != std::filesystem::path(config.out_dir)) {
        return make_error(ErrorCode::kInternal, config.out_dir + ": evaluated under the lock of " +
                                                    lock.directory().string());
    }
    return run_in_directory(config, &lock, cancel);
}

}  // namespace runner

Result<RunOutcome> run_eval(const RunConfig& config, const std::atomic<bool>* cancel) {
    return runner::run_in_directory(config, nullptr, cancel);
}

}  // namespace biomedq
