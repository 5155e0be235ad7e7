// Log-likelihood of continuations. Each request is one sequence (context + continuation tokens);
// sequences are packed into shared batches, `parallel` at a time, with logits requested only at the
// positions that predict continuation tokens.
#include <algorithm>
#include <cmath>
#include <span>

#include "engine/batch_order.h"
#include "engine/engine_impl.h"
#include "engine/prefix_stream.h"

namespace biomedq {
namespace {

struct Scoring {
    std::size_t request = 0;
    std::vector<llama_token> tokens;  // context + continuation
    std::size_t n_context = 0;
    std::size_t n_done = 0;  // tokens already decoded
    llama_seq_id seq = 0;
    LoglikResult result;
    bool active = false;
};

// log softmax(logits)[target], and whether target is the argmax.
std::pair<double, bool> token_logprob(const float* logits, int n_vocab, llama_token target) {
    float max_logit = logits[0];
    int argmax = 0;
    for (int i = 1; i < n_vocab; ++i) {
        if (logits[i] > max_logit) {
            max_logit = logits[i];
            argmax = i;
        }
    }
    double sum = 0.0;
    for (int i = 0; i < n_vocab; ++i) sum += std::exp(static_cast<double>(logits[i] - max_logit));
    const double logprob = static_cast<double>(logits[target] - max_logit) - std::log(sum);
    return {logprob, argmax == target};
}

// Tokenizes the whole text and takes the continuation as the tokens past the context's own
// tokenization, so merges across the boundary are scored as the model would see them. A request
// that cannot be scored comes back with result.error set.
Scoring prepare(const Engine::Impl& im, const LoglikRequest& request, std::size_t index) {
    const llama_token bos = llama_vocab_bos(im.vocab);
    Scoring s;
    s.request = index;
    auto context = im.tokenize(request.context, true);
    auto whole = im.tokenize(request.context + request.continuation, true);
    if (context.size() >= 2 && context[0] == bos && context[1] == bos)
        context.erase(context.begin());
    if (whole.size() >= 2 && whole[0] == bos && whole[1] == bos) whole.erase(whole.begin());
    const bool prefix =
        whole.size() > context.size() && std::equal(context.begin(), context.end(), whole.begin());
    if (!prefix) {
        whole = context;
        auto cont = im.tokenize(request.continuation, false);
        whole.insert(whole.end(), cont.begin(), cont.end());
    }
    s.n_context = context.size();
    s.tokens = std::move(whole);
    s.result.n_tokens_context = static_cast<int>(s.n_context);
    s.result.n_tokens_continuation = static_cast<int>(s.tokens.size() - s.n_context);
    if (s.n_context == 0 || s.tokens.size() == s.n_context) {
        s.result.error = s.n_context == 0 ? "the context is empty" : "the continuation is empty";
    } else if (static_cast<int>(s.tokens.size()) > im.options.ctx_per_sequence) {
        s.result.error = "context + continuation have " + std::to_string(s.tokens.size()) +
                         " tokens but the context holds " +
                         std::to_string(im.options.ctx_per_sequence) + " per sequence: raise --ctx";
    }
    return s;
}

// A token of the current batch whose logits score a continuation token.
struct Row {
    Scoring* scoring;
    std::size_t position;
    int32_t batch_index;
};

// Adds the slots' next tokens to `batch`, up to n_batch, noting the rows that score.
void fill_batch(llama_batch& batch, int n_batch, const std::vector<Scoring*>& slots,
                std::vector<Row>& rows) {
    rows.clear();
    for (Scoring* s : slots) {
        if (!s) continue;
        while (s->n_done < s->tokens.size() && batch.n_tokens < n_batch) {
            const std::size_t p = s->n_done;
            // Position p predicts token p+1: needed for p in [n_context-1, size-2].
            const bool want = p + 1 >= s->n_context && p + 1 < s->tokens.size();
            if (want) rows.push_back(Row{s, p, batch.n_tokens});
            batch_add(batch, s->tokens[p], static_cast<llama_pos>(p), s->seq, want);
            s->n_done++;
        }
    }
}

void score_rows(const Engine::Impl& im, const std::vector<Row>& rows) {
    const int n_vocab = llama_vocab_n_tokens(im.vocab);
    for (const auto& [s, p, batch_index] : rows) {
        const float* logits = llama_get_logits_ith(im.context.get(), batch_index);
        auto [lp, greedy] = token_logprob(logits, n_vocab, s->tokens[p + 1]);
        if (p + 1 == s->n_context) s->result.is_greedy = true;
        s->result.logprob += lp;
        s->result.is_greedy = s->result.is_greedy && greedy;
    }
}

std::vector<std::span<const llama_token>> prompts_of(const std::vector<Scoring>& work) {
    std::vector<std::span<const llama_token>> out;
    for (const Scoring& s : work) out.emplace_back(s.tokens);
    return out;
}

// Each request decodes from position n_context-1 on: it predicts the first continuation token.
std::vector<std::size_t> max_shared_of(const std::vector<Scoring>& work) {
    std::vector<std::size_t> out;
    for (const Scoring& s : work) out.push_back(s.n_context - 1);
    return out;
}

// One Engine::loglik call: `parallel` slots over the requests in the order of their prefix plan
// (the options of a question, sharing the question, start from the prefix stream).
class ScoringRun {
public:
    ScoringRun(Engine::Impl& im, std::vector<Scoring>& work)
        : im_(im),
          work_(work),
          n_batch_(static_cast<int>(llama_n_batch(im.context.get()))),
          memory_(llama_get_memory(im.context.get())),
          slots_(static_cast<std::size_t>(im.options.parallel), nullptr),
          batch_owner_(n_batch_, 1),
          schedule_(memory_, stream_seq(im), prompts_of(work), max_shared_of(work)) {}

    // Scores every request into results[request]; an error when decoding fails or on `cancel`.
    Status run(std::vector<LoglikResult>& results, const std::atomic<bool>* cancel) {
        std::vector<Row> rows;
        while (true) {
            admit();
            if (schedule_.done() &&
                std::none_of(slots_.begin(), slots_.end(), [](Scoring* s) { return s; })) {
                return Status::success();
            }
            if (cancel && cancel->load())
                return release(make_error(ErrorCode::kCancelled, "scoring interrupted"));
            llama_batch& batch = batch_owner_.batch;
            batch_clear(batch);
            im_.stats.n_tokens_prompt_computed += schedule_.fill(batch, n_batch_);
            const int n_prefix = batch.n_tokens;
            fill_batch(batch, n_batch_, slots_, rows);
            im_.stats.n_tokens_prompt_computed +=
                static_cast<std::uint64_t>(batch.n_tokens - n_prefix);
            const std::vector<int> moved = engine::order_batch_by_sequence(batch);
            for (Row& row : rows)
                row.batch_index = moved[static_cast<std::size_t>(row.batch_index)];
            const int32_t rc = im_.decode(batch);
            if (rc != 0) return release(decode_error(rc, im_.options));
            score_rows(im_, rows);
            for (auto& slot : slots_) {
                if (slot && slot->n_done == slot->tokens.size()) {
                    llama_memory_seq_rm(memory_, slot->seq, -1, -1);
                    results[slot->request] = slot->result;
                    slot = nullptr;
                }
            }
        }
    }

private:
    // Fills free slots in plan order, stopping where the next request waits for the prefix.
    void admit() {
        for (std::size_t k = 0; k < slots_.size(); ++k) {
            if (slots_[k]) continue;
            const engine::PrefixStep* step = schedule_.next_ready();
            if (!step) return;
            Scoring& s = work_[step->request];
            s.seq = static_cast<llama_seq_id>(k);
            s.n_done = step->shared;
            schedule_.take(*step, s.seq);
            im_.stats.n_tokens_prompt += s.tokens.size();
            slots_[k] = &s;
        }
    }

    Error release(Error error) {
        for (Scoring* s : slots_) {
            if (s) llama_memory_seq_rm(memory_, s->seq, -1, -1);
        }
        return error;
    }

    Engine::Impl& im_;
    std::vector<Scoring>& work_;
    const int n_batch_;
    llama_memory_t memory_;
    std::vector<Scoring*> slots_;
    llama::BatchOwner batch_owner_;
    engine::PrefixSchedule schedule_;
};

}  // namespace

Result<std::vector<LoglikResult>> Engine::loglik(const std::vector<LoglikRequest>& requests,
                                                 const std::atomic<bool>* cancel) {
    std::vector<LoglikResult> results(requests.size());
    std::vector<Scoring> work;
    work.reserve(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        Scoring s = prepare(*impl_, requests[i], i);
        if (!s.result.error.empty()) {
            results[i] = s.result;
            continue;
        }
        work.push_back(std::move(s));
    }
    BIOMEDQ_TRY(ScoringRun(*impl_, work).run(results, cancel));
    return results;
}

}  // namespace biomedq
