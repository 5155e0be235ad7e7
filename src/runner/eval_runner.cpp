// run_eval: plan, lock and claim the run directory, run what is not yet in samples.jsonl (generation
// with continuous batching, or option log-likelihood) in the batch shape the run started with,
// appending each example as it finishes, then score everything into results.json.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fmt/format.h>
#include <map>
#include <optional>

#include "biomedq/backend.h"
#include "biomedq/memory_simulation.h"
#include "biomedq/quant.h"
#include "biomedq/runner.h"
#include "core/cpu_threads.h"
#include "core/file_io.h"
#include "core/redact.h"
#include "core/sha256.h"
#include "runner/backend_factory.h"
#include "runner/batch_shape.h"
#include "runner/device_overhead.h"
#include "runner/environment.h"
#include "runner/eval_plan.h"
#include "runner/locked_eval.h"
#include "runner/parallel_choice.h"
#include "runner/planned_samples.h"
#include "runner/progress.h"
#include "runner/results_document.h"
#include "runner/run_directory.h"
#include "runner/run_lock.h"
#include "runner/sample_log.h"
#include "runner/sample_record.h"

namespace biomedq {
namespace {

using runner::SampleLog;
using runner::TaskPlan;
using Clock = std::chrono::steady_clock;

struct PendingExample {
    const TaskPlan* plan = nullptr;
    std::size_t index = 0;  // position in plan->examples
};

std::string iso_now() {
    std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

nlohmann::json base_record(const PendingExample& p) {
    const Example& ex = p.plan->examples[p.index];
    return {{"task", p.plan->task.name},
            {"id", ex.id},
            {"index", p.index},
            {"gold", runner::gold_to_json(gold_of(p.plan->task, ex))}};
}

double score_of(const TaskPlan& plan, const Example& ex, const Prediction& pred) {
    return example_score(task_kind_name(plan.task.kind), gold_of(plan.task, ex), pred);
}

// The batch shape of this invocation: the recorded one on resume (README "Greedy determinism"), else
// --parallel resolved for the pending examples, recorded before the first of them runs.
Result<runner::BatchShape> batch_shape_for_session(const RunConfig& config, const ModelInfo& info,
                                                   std::size_t n_pending,
                                                   const std::filesystem::path& out) {
    BIOMEDQ_ASSIGN(const auto recorded, runner::read_batch_shape(out));
    const EngineOptions engine_defaults;
    runner::BatchShape fresh{0, engine_defaults.n_batch, engine_defaults.n_ubatch,
                             config.threads > 0 ? config.threads : default_thread_count()};
    std::optional<runner::ParallelChoice> choice;
    if (recorded && config.parallel == "auto") {
        fresh.parallel = recorded->parallel;  // no memory probe: the run started with this
        if (config.progress) {
            std::fprintf(stderr, "biomedq: --parallel auto: %d, as this run started with (config.json batch_shape)\n",
                         recorded->parallel);
        }
    } else {
        BIOMEDQ_ASSIGN(choice, runner::choose_parallel(config, info, n_pending));
        fresh.parallel = choice->parallel;
        // Said whenever memory decided it, quiet or not: it is what a user tunes --ctx or the type by.
        if (choice->method != "requested") {
            std::fprintf(stderr, "biomedq: --parallel auto chose %d: %s\n", choice->parallel, choice->reason.c_str());
        }
    }
    const runner::BatchShapeDecision decision =
        runner::decide_batch_shape(config.parallel, config.threads, fresh, recorded);
    if (!decision.warning.empty()) {
        std::fprintf(stderr, "biomedq: warning: %s\n", decision.warning.c_str());
    }
    if (!recorded) {
        BIOMEDQ_TRY(runner::record_batch_shape(out, decision.shape));
        if (choice) BIOMEDQ_TRY(runner::record_parallel_choice(out, *choice));
    }
    return decision.shape;
}

Result<RunOutcome> run_eval_in_directory(const RunConfig& config,
                                         const runner::RunDirectoryLock* held_lock,
                                         const std::atomic<bool>* cancel);

}  // namespace

nlohmann::json run_config_identity(const RunConfig& c) {
    nlohmann::json identity = {{"tasks", c.tasks},     {"prompt", c.prompt},       {"shot_selection", c.shot_selection},
                               {"constrained", c.constrained}, {"subset", c.subset}, {"limit", c.limit},
                               {"seed", c.seed},       {"mc_mode", c.mc_mode},     {"chat", c.chat},
                               {"ctx", c.ctx},         {"max_tokens", c.max_tokens}};
    // A quantized KV cache changes answers, so it is part of the identity; the default is left out so
    // runs made before the option existed keep their hash and still resume.
    if (c.kv_type != "f16") identity["kv_type"] = c.kv_type;
    // Likewise the protocol: runs of biomedq's own protocol keep the hash they had before it existed.
    if (c.protocol != "biomedq") identity["protocol"] = c.protocol;
    return identity;
}

Result<RunOutcome> run_eval(const RunConfig& config, const std::atomic<bool>* cancel) {
    return run_eval_in_directory(config, nullptr, cancel);
}

Result<RunOutcome> runner::run_eval_holding_lock(const RunConfig& config,
                                                 const RunDirectoryLock& lock,
                                                 const std::atomic<bool>* cancel) {
    if (lock.directory() != std::filesystem::path(config.out_dir)) {
        return make_error(ErrorCode::kInternal, config.out_dir + ": evaluated under the lock of " +
                                                    lock.directory().string());
    }
    return run_eval_in_directory(config, &lock, cancel);
}

namespace {

Result<RunOutcome> run_eval_in_directory(const RunConfig& config,
                                         const runner::RunDirectoryLock* held_lock,
                                         const std::atomic<bool>* cancel) {
    const auto t_wall_start = Clock::now();
    if (config.out_dir.empty()) return make_error(ErrorCode::kInvalidArgument, "--out: a run directory is required");
    // Server runs (--endpoint) have no local model file: the model is identified by the name the
    // servers serve it under (or, without --model-name, by the endpoints themselves).
    const bool server_run = !config.endpoints.empty();
    ModelInfo info;
    std::string model_sha;
    if (!server_run) {
        BIOMEDQ_TRY(check_gguf_file(config.model_path));
        BIOMEDQ_ASSIGN(info, read_model_info(config.model_path));
    }
    BIOMEDQ_ASSIGN(runner::EvalPlan plan, runner::plan_eval(config));
    const std::filesystem::path out(config.out_dir);
    // Before anything in the directory is read or written: another process may be writing it. Taken
    // after the cheap checks of the arguments (a typo leaves no directory behind), before hashing a
    // model that may take minutes, so a second eval is refused at once.
    std::optional<runner::RunDirectoryLock> own_lock;
    if (!held_lock) {
        BIOMEDQ_ASSIGN(auto lock, runner::RunDirectoryLock::acquire(out, /*create_directory=*/true));
        own_lock.emplace(std::move(lock));
    }
    if (!server_run) {
        BIOMEDQ_ASSIGN(model_sha, sha256_file_cached(config.model_path));
    }

    nlohmann::json identity = run_config_identity(config);
    if (server_run) {
        // Endpoint URLs may carry a password or token (core/redact.h): the identity keeps them redacted.
        std::vector<std::string> endpoints;
        for (const auto& url : config.endpoints) endpoints.push_back(redact(url));
        identity["server_model"] = config.model_name.empty() ? nlohmann::json(endpoints)
                                                             : nlohmann::json(config.model_name);
    } else {
        identity["model_sha256"] = model_sha;
    }
    nlohmann::json task_hashes = nlohmann::json::object();
    for (const auto& tp : plan.tasks) {
        auto text = read_file(tp.task.source_path);
        task_hashes[tp.task.name] = text.ok() ? sha256_hex(text.value()) : std::string("builtin");
    }
    identity["task_config_sha256"] = task_hashes;
    BIOMEDQ_TRY(runner::claim_run_directory(out, identity));
    BIOMEDQ_ASSIGN(SampleLog log, SampleLog::open(out / "samples.jsonl"));
    {
        // Checks the log against the plan before any work (two different answers for one example
        // stop here, not after an hour of generation) and says what will be left out of the scores.
        BIOMEDQ_ASSIGN(runner::PlannedSamples existing, runner::load_planned_samples(out / "samples.jsonl", plan));
        existing.repairs.n_partial_line_bytes += log.n_recovered_bytes();
        for (const auto& note : runner::repair_notes(existing.repairs, out / "samples.jsonl")) {
            std::fprintf(stderr, "biomedq: note: %s\n", note.c_str());
        }
    }

    std::vector<PendingExample> pending;
    std::size_t total = 0, already = 0;
    for (const auto& tp : plan.tasks) {
        for (std::size_t i = 0; i < tp.examples.size(); ++i) {
            ++total;
            if (log.contains(tp.task.name, tp.examples[i].id)) {
                ++already;
            } else {
                pending.push_back(PendingExample{&tp, i});
            }
        }
    }

    runner::SessionMeasurements session;
    session.started_at = iso_now();
    session.n_partial_line_bytes_cut = log.n_recovered_bytes();
    // Set when the backend stopped short (every server unreachable, a decode failure): what finished is
    // kept and results.json is written, marked incomplete, before the error is returned.
    Status stopped = Status::success();
    std::string last_unanswered;  // the last transport failure, for the message
    if (!pending.empty()) {
        runner::BatchShape shape;
        shape.parallel = static_cast<int>(config.endpoints.size()) * config.endpoint_concurrency;
        if (!server_run) {
            BIOMEDQ_ASSIGN(shape, batch_shape_for_session(config, info, pending.size(), out));
            session.batch_shape = shape;
        }
        const int parallel = shape.parallel;
        session.parallel = parallel;
        BIOMEDQ_ASSIGN(auto backend_ptr, runner::make_backend(config, shape));
        Backend& backend = *backend_ptr;
        if (config.chat && !backend.supports_chat()) {
            return make_error(ErrorCode::kUnsupported,
                              config.model_path + ": the model has no chat template; rerun with --no-chat");
        }
        if (config.constrained) BIOMEDQ_TRY(backend.supports_grammar());
        if (config.mc_mode == "loglik") BIOMEDQ_TRY(backend.supports_loglik());
        runner::Progress progress(total, already, config.progress);
        Status write_status = Status::success();

        // --- generation ---
        std::vector<BackendRequest> requests;
        std::vector<const PendingExample*> request_owner;
        std::vector<const PendingExample*> loglik_items;
        for (const auto& p : pending) {
            if (p.plan->loglik) {
                loglik_items.push_back(&p);
                continue;
            }
            const Example& ex = p.plan->examples[p.index];
            const auto shots = p.plan->shots ? p.plan->shots->select(ex) : std::vector<Example>{};
            BuiltPrompt built = build_prompt(p.plan->task, ex, shots, plan.prompt);
            BackendRequest r;
            if (config.chat) {
                r.messages = std::move(built.messages);
            } else {
                r.raw_prompt = std::move(built.raw_prompt);
            }
            r.grammar = built.grammar;
            r.max_tokens = config.max_tokens > 0 ? config.max_tokens : built.max_tokens;
            r.stop = built.stop;
            r.seed = config.seed;
            requests.push_back(std::move(r));
            request_owner.push_back(&p);
        }
        const auto on_done = [&](std::size_t i, BackendResult&& backend_result) {
            if (!write_status.ok()) return;
            const GenerationResult& result = backend_result.generation;
            if (result.transient) {
                // Not an answer: recording it would score an outage as the model's mistake, and a
                // resume would take it as done. Left out of the log, the example runs again on the
                // next invocation (a record marked "retry" would instead leave two records for one
                // example once it is answered).
                session.n_examples_unanswered++;
                last_unanswered = result.error;
                return;
            }
            const PendingExample& p = *request_owner[i];
            const Example& ex = p.plan->examples[p.index];
            Prediction pred;
            if (result.finish != FinishReason::kError) pred = parse_answer(p.plan->task, ex, result.text);
            const double score = score_of(*p.plan, ex, pred);
            nlohmann::json record = base_record(p);
            record["mode"] = "generate";
            record["prompt"] = backend_result.prompt_text;
            record["raw_output"] = result.text;
            record["finish"] = finish_reason_name(result.finish);
            if (!result.error.empty()) record["error"] = result.error;
            record["parsed"] = runner::prediction_to_json(pred);
            record["score"] = score;
            record["correct"] = score >= 1.0;
            record["n_tokens_prompt"] = result.n_tokens_prompt;
            record["n_tokens_generated"] = result.n_tokens_generated;
            record["t_latency_ms"] = result.t_latency_ms;
            write_status = log.append(record);
            if (write_status.ok()) {
                session.n_examples++;
                progress.example_done(p.plan->task.name, score);
            }
        };
        const auto t_gen = Clock::now();
        Status gen_status = backend.generate(requests, on_done, cancel);
        session.t_generate_ms = std::chrono::duration<double, std::milli>(Clock::now() - t_gen).count();
        if (!write_status.ok()) return write_status.error();
        if (!gen_status.ok()) {
            if (gen_status.error().code == ErrorCode::kCancelled) {
                progress.finish();
                return gen_status.error();
            }
            stopped = gen_status;
        }

        // --- log-likelihood multiple choice, in chunks so a kill loses little ---
        const std::size_t chunk = static_cast<std::size_t>(std::max(1, parallel)) * 4;
        for (std::size_t start = 0; stopped.ok() && start < loglik_items.size(); start += chunk) {
            const std::size_t end = std::min(loglik_items.size(), start + chunk);
            std::vector<BackendLoglikRequest> lreqs;
            std::vector<std::pair<std::size_t, ChoiceRequest>> choices;  // item, request
            for (std::size_t k = start; k < end; ++k) {
                const PendingExample& p = *loglik_items[k];
                const Example& ex = p.plan->examples[p.index];
                const auto shots = p.plan->shots ? p.plan->shots->select(ex) : std::vector<Example>{};
                BIOMEDQ_ASSIGN(ChoiceRequest choice, build_choice_request(p.plan->task, ex, shots, plan.prompt));
                const auto& continuations = config.chat ? choice.chat_continuations : choice.continuations;
                for (const auto& cont : continuations) {
                    BackendLoglikRequest l;
                    if (config.chat) {
                        l.messages = choice.messages;
                    } else {
                        l.raw_prompt = choice.raw_prompt;
                    }
                    l.continuation = cont;
                    lreqs.push_back(std::move(l));
                }
                choices.emplace_back(k, std::move(choice));
            }
            const auto t0 = Clock::now();
            BIOMEDQ_ASSIGN(auto scores, backend.loglik(lreqs, cancel));
            const double t_chunk_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            session.t_generate_ms += t_chunk_ms;
            std::size_t offset = 0;
            for (auto& [k, choice] : choices) {
                const PendingExample& p = *loglik_items[k];
                const Example& ex = p.plan->examples[p.index];
                Prediction pred;
                nlohmann::json options = nlohmann::json::array();
                double best = -INFINITY;
                std::string error;
                int n_prompt = 0;
                for (std::size_t c = 0; c < choice.continuations.size(); ++c) {
                    const LoglikResult& s = scores[offset + c];
                    if (!s.error.empty()) error = s.error;
                    n_prompt = std::max(n_prompt, s.n_tokens_context);
                    options.push_back({{"label", choice.choice_labels[c]},
                                       {"continuation", (config.chat ? choice.chat_continuations : choice.continuations)[c]},
                                       {"logprob", s.logprob},
                                       {"n_tokens", s.n_tokens_continuation}});
                    if (s.error.empty() && s.logprob > best) {
                        best = s.logprob;
                        pred.valid = true;
                        pred.labels = {choice.choice_labels[c]};
                    }
                }
                offset += choice.continuations.size();
                if (!error.empty()) pred = Prediction{};
                const double score = score_of(*p.plan, ex, pred);
                nlohmann::json record = base_record(p);
                record["mode"] = "loglik";
                const auto& first = lreqs[offset - choice.continuations.size()];
                if (config.chat) {
                    nlohmann::json messages = nlohmann::json::array();
                    for (const auto& m : first.messages) messages.push_back({{"role", m.role}, {"content", m.content}});
                    record["messages"] = messages;  // rendered by the backend with the model's template
                } else {
                    record["prompt"] = first.raw_prompt;
                }
                record["raw_output"] = pred.valid ? pred.labels[0] : "";
                record["options"] = options;
                if (!error.empty()) record["error"] = error;
                record["parsed"] = runner::prediction_to_json(pred);
                record["score"] = score;
                record["correct"] = score >= 1.0;
                record["n_tokens_prompt"] = n_prompt;
                record["n_tokens_generated"] = 0;
                record["t_latency_ms"] = t_chunk_ms / static_cast<double>(choices.size());
                BIOMEDQ_TRY(log.append(record));
                session.n_examples++;
                progress.example_done(p.plan->task.name, score);
            }
        }
        progress.finish();
        const BackendMeasurements m = backend.measurements();
        session.engine_stats = m.stats;
        session.buffers = m.buffers;
        session.devices = m.devices;
        session.model_description = m.model_description;
        session.backend = m.backend;
        session.memory_source = m.memory_source;
        // What the driver showed beyond llama.cpp's buffers, kept for `info` on this host (issue 15).
        // A cache that cannot be written only leaves `info` with its own at-load reading.
        for (const auto& o : runner::device_overheads(session.buffers, session.devices)) {
            if (o.bytes_buffers > 0) (void)record_device_run_growth(o.description, o.bytes_run_growth, iso_now());
        }
    } else {
        session.devices = list_gpu_devices();
    }
    session.t_wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - t_wall_start).count();
    session.host_peak_rss_bytes = runner::host_peak_rss_bytes();
    session.finished_at = iso_now();

    runner::ResultsInputs inputs{config, plan, info, model_sha, identity, session};
    BIOMEDQ_ASSIGN(auto doc, runner::build_results_document(inputs, out));
    BIOMEDQ_TRY(write_file_atomic(out / "results.json", doc.dump(2) + "\n"));
    const std::size_t n_missing = total - already - session.n_examples;
    if (!stopped.ok() || n_missing > 0) {
        // An incomplete run is a failure (non-zero exit), never a result that looks finished.
        const std::string why = !stopped.ok() ? stopped.error().message
                                              : fmt::format("{} example{} got no answer (last error: {})",
                                                            session.n_examples_unanswered,
                                                            session.n_examples_unanswered == 1 ? "" : "s",
                                                            last_unanswered);
        return make_error(!stopped.ok() ? stopped.error().code : ErrorCode::kBackend,
                          fmt::format("{}; {} of {} examples have an answer, {} have none and nothing was recorded "
                                      "for them; {}/results.json is marked incomplete: rerun the same command to "
                                      "run the missing ones",
                                      why, total - n_missing, total, n_missing, out.string()));
    }

    RunOutcome outcome;
    outcome.results_path = out / "results.json";
    outcome.n_examples_total = total;
    outcome.n_examples_resumed = already;
    outcome.n_examples_run = session.n_examples;
    outcome.summary_table = runner::summary_table(doc);
    return outcome;
}

}  // namespace
}  // namespace biomedq
