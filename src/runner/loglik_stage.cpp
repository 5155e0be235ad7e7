// Stage 3b: multiple choice by option log-likelihood, in chunks so a kill loses little. The option
// with the highest log-probability is the answer; on a tie the first listed option wins.
#include <chrono>
#include <cmath>

#include "runner/eval_session.h"
#include "runner/sample_builder.h"

namespace biomedq::runner {
namespace {

struct ChunkItem {
    const PendingExample* pending = nullptr;
    ChoiceRequest choice;
    std::size_t first_request = 0;  // its first option's position in the chunk's requests
};

const std::vector<std::string>& continuations_of(const EvalSession& s,
                                                 const ChoiceRequest& choice) {
    return s.config.chat ? choice.chat_continuations : choice.continuations;
}

Status add_requests(const EvalSession& s, const PendingExample& p,
                    std::vector<BackendLoglikRequest>& requests, std::vector<ChunkItem>& items) {
    const auto shots = p.plan->shots ? p.plan->shots->select(p.example()) : std::vector<Example>{};
    BIOMEDQ_ASSIGN(ChoiceRequest choice,
                   build_choice_request(p.plan->task, p.example(), shots, s.plan.prompt));
    ChunkItem item{&p, std::move(choice), requests.size()};
    for (const auto& continuation : continuations_of(s, item.choice)) {
        BackendLoglikRequest l;
        if (s.config.chat) {
            l.messages = item.choice.messages;
        } else {
            l.raw_prompt = item.choice.raw_prompt;
        }
        l.continuation = continuation;
        requests.push_back(std::move(l));
    }
    items.push_back(std::move(item));
    return Status::success();
}

Answer answer_of(const EvalSession& s, const ChunkItem& item,
                 const std::vector<LoglikResult>& scores, double latency_ms) {
    Answer a;
    a.mode = "loglik";
    a.options.emplace();
    double best = -INFINITY;
    std::string error;
    for (std::size_t c = 0; c < item.choice.continuations.size(); ++c) {
        const LoglikResult& score = scores[item.first_request + c];
        if (!score.error.empty()) error = score.error;
        a.n_tokens_prompt = std::max<std::uint64_t>(
            a.n_tokens_prompt, static_cast<std::uint64_t>(score.n_tokens_context));
        a.options->push_back({item.choice.choice_labels[c], continuations_of(s, item.choice)[c],
                              score.logprob, score.n_tokens_continuation});
        if (score.error.empty() && score.logprob > best) {
            best = score.logprob;
            a.parsed.valid = true;
            a.parsed.labels = {item.choice.choice_labels[c]};
        }
    }
    if (!error.empty()) a.parsed = Prediction{};
    a.error = error;
    a.raw_output = a.parsed.valid ? a.parsed.labels[0] : "";
    if (s.config.chat) {
        a.messages = item.choice.messages;  // rendered by the backend with the model's template
    } else {
        a.prompt = item.choice.raw_prompt;
    }
    a.t_latency_ms = latency_ms;
    return a;
}

}  // namespace

Status run_loglik(EvalSession& s, Backend& backend, int parallel, Progress& progress,
                  const std::atomic<bool>* cancel) {
    std::vector<const PendingExample*> items;
    for (const auto& p : s.pending) {
        if (p.plan->loglik) items.push_back(&p);
    }
    const std::size_t chunk = static_cast<std::size_t>(std::max(1, parallel)) * 4;
    for (std::size_t start = 0; s.stopped.ok() && start < items.size(); start += chunk) {
        std::vector<BackendLoglikRequest> requests;
        std::vector<ChunkItem> chunk_items;
        for (std::size_t k = start; k < std::min(items.size(), start + chunk); ++k) {
            BIOMEDQ_TRY(add_requests(s, *items[k], requests, chunk_items));
        }
        const auto t0 = std::chrono::steady_clock::now();
        BIOMEDQ_ASSIGN(const auto scores, backend.loglik(requests, cancel));
        const double t_chunk_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        s.measurements.t_generate_ms += t_chunk_ms;
        if (scores.size() != requests.size()) {
            return make_error(ErrorCode::kBackend,
                              "the backend answered " + std::to_string(scores.size()) + " of " +
                                  std::to_string(requests.size()) + " log-likelihood requests");
        }
        for (const auto& item : chunk_items) {
            const PendingExample& p = *item.pending;
            const double latency = t_chunk_ms / static_cast<double>(chunk_items.size());
            const SampleRecord record =
                make_sample_record(*p.plan, p.index, answer_of(s, item, scores, latency));
            BIOMEDQ_TRY(s.sink().append(record));
            s.measurements.n_examples++;
            progress.example_done(p.plan->task.name, record.score);
        }
    }
    return Status::success();
}

}  // namespace biomedq::runner
