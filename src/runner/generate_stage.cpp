// Stage 3a: the generation requests of every pending example, sent as one batch (the backend
// batches continuously); each answer is parsed, scored and appended as it finishes.
#include <chrono>

#include "runner/eval_session.h"
#include "runner/sample_builder.h"

namespace biomedq::runner {
namespace {

BackendRequest request_for(const EvalSession& s, const PendingExample& p) {
    const Example& ex = p.example();
    const auto shots = p.plan->shots ? p.plan->shots->select(ex) : std::vector<Example>{};
    BuiltPrompt built = build_prompt(p.plan->task, ex, shots, s.plan.prompt);
    BackendRequest r;
    if (s.config.chat) {
        r.messages = std::move(built.messages);
    } else {
        r.raw_prompt = std::move(built.raw_prompt);
    }
    r.grammar = built.grammar;
    r.max_tokens = s.config.max_tokens > 0 ? s.config.max_tokens : built.max_tokens;
    r.stop = built.stop;
    r.seed = s.config.seed;
    return r;
}

Answer answer_of(const PendingExample& p, BackendResult&& backend_result) {
    const GenerationResult& result = backend_result.generation;
    Answer a;
    a.mode = "generate";
    if (result.finish != FinishReason::kError)
        a.parsed = parse_answer(p.plan->task, p.example(), result.text);
    a.prompt = std::move(backend_result.prompt_text);
    a.raw_output = result.text;
    a.finish = finish_reason_name(result.finish);
    a.error = result.error;
    a.n_tokens_prompt = static_cast<std::uint64_t>(result.n_tokens_prompt);
    a.n_tokens_generated = static_cast<std::uint64_t>(result.n_tokens_generated);
    a.t_latency_ms = result.t_latency_ms;
    return a;
}

}  // namespace

Status run_generation(EvalSession& s, Backend& backend, Progress& progress,
                      const std::atomic<bool>* cancel) {
    std::vector<BackendRequest> requests;
    std::vector<const PendingExample*> owner;
    for (const auto& p : s.pending) {
        if (p.plan->loglik) continue;
        requests.push_back(request_for(s, p));
        owner.push_back(&p);
    }
    if (requests.empty()) return Status::success();
    Status write_status = Status::success();
    const auto on_done = [&](std::size_t i, BackendResult&& result) {
        if (!write_status.ok()) return;
        if (result.generation.transient) {
            // Not an answer: recording it would score an outage as the model's mistake, and a
            // resume would take it as done. Left out of the log, the example runs again next time.
            s.measurements.n_examples_unanswered++;
            s.last_unanswered = result.generation.error;
            return;
        }
        const PendingExample& p = *owner[i];
        const SampleRecord record =
            make_sample_record(*p.plan, p.index, answer_of(p, std::move(result)));
        write_status = s.sink().append(record);
        if (write_status.ok()) {
            s.measurements.n_examples++;
            progress.example_done(p.plan->task.name, record.score);
        }
    };
    const auto t0 = std::chrono::steady_clock::now();
    Status generated = backend.generate(requests, on_done, cancel);
    s.measurements.t_generate_ms +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!write_status.ok()) return write_status;
    if (!generated.ok()) {
        if (generated.error().code == ErrorCode::kCancelled) return generated;
        s.stopped = generated;
    }
    return Status::success();
}

}  // namespace biomedq::runner
