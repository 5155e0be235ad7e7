// Continuous batching: `parallel` slots, each holding one sequence. Every decode call carries one
// new token for each generating slot plus chunks of pending prompts up to n_batch tokens, so prompt
// processing and generation share batches and a finished slot takes the next prompt at once.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>

#include "engine/batch_order.h"
#include "engine/device_greedy.h"
#include "engine/engine_impl.h"
#include "engine/prefix_stream.h"
#include "engine/stderr_capture.h"
#include "engine/stop_strings.h"
#include "llama/recent_log.h"

namespace biomedq {
namespace {

using Clock = std::chrono::steady_clock;

using engine::StderrCapture;

// Index of the largest logit (the first one on ties, like std::max_element), in one pass with 16
// independent (max, index) lanes that the compiler turns into vector compares and blends. It runs
// once per generated token over the whole vocabulary, on the critical path between decode calls.
llama_token argmax(const float* x, int n) {
    constexpr int kLanes = 16;
    if (n < kLanes) return static_cast<llama_token>(std::max_element(x, x + n) - x);
    float lane_max[kLanes];
    int32_t lane_index[kLanes];
    for (int l = 0; l < kLanes; ++l) {
        lane_max[l] = x[l];
        lane_index[l] = l;
    }
    int i = kLanes;
    for (; i + kLanes <= n; i += kLanes) {
        for (int l = 0; l < kLanes; ++l) {
            const bool greater = x[i + l] > lane_max[l];
            lane_max[l] = greater ? x[i + l] : lane_max[l];
            lane_index[l] = greater ? i + l : lane_index[l];
        }
    }
    float best = lane_max[0];
    int32_t best_index = lane_index[0];
    for (int l = 1; l < kLanes; ++l) {
        if (lane_max[l] > best || (lane_max[l] == best && lane_index[l] < best_index)) {
            best = lane_max[l];
            best_index = lane_index[l];
        }
    }
    for (; i < n; ++i) {
        if (x[i] > best) {
            best = x[i];
            best_index = i;
        }
    }
    return best_index;
}

// Greedy decoding under a grammar wants the highest-logit token the grammar allows. Asking the
// grammar about the whole vocabulary costs milliseconds per token, so:
//  1. the argmax alone is asked first (a trained model usually writes what the grammar wants);
//  2. otherwise the grammar is asked which ASCII bytes may come next, through one single-byte probe
//     token per byte, and tokens starting with a refused byte are dropped (a token is accepted only
//     if its first character is), leaving tokens with non-ASCII or empty first characters in;
//  3. the survivors are asked in logit order, top 64 then top 2048, then all of them.
// The first allowed candidate in descending logit order is the global answer, so this is exact.
struct TokenChooser {
    llama::SamplerPtr grammar;  // null when unconstrained
    llama::SamplerPtr chain;    // temperature sampling (grammar included); null for greedy
    const Engine::Impl* tables = nullptr;  // byte tables for step 2
    std::vector<llama_token_data> candidates;
    std::vector<llama_token_data> probes;

    // The best allowed token among the first `k` candidates (sorted by logit, descending), or -1.
    llama_token best_allowed(std::size_t k) {
        llama_token_data_array head{candidates.data(), k, -1, true};
        std::vector<llama_token_data> saved(candidates.begin(),
                                            candidates.begin() + static_cast<std::ptrdiff_t>(k));
        llama_sampler_apply(grammar.get(), &head);
        for (std::size_t i = 0; i < k; ++i) {
            if (!std::isinf(candidates[i].logit)) return candidates[i].id;
        }
        std::copy(saved.begin(), saved.end(), candidates.begin());
        return -1;
    }

    llama_token choose(llama_context* ctx, int32_t batch_index, int n_vocab) {
        if (chain) return llama_sampler_sample(chain.get(), ctx, batch_index);
        const float* logits = llama_get_logits_ith(ctx, batch_index);
        llama_token best = argmax(logits, n_vocab);
        if (!grammar) return best;
        llama_token_data one{best, logits[best], 0.0f};
        llama_token_data_array single{&one, 1, -1, false};
        llama_sampler_apply(grammar.get(), &single);
        if (std::isinf(single.data[0].logit)) {
            bool allowed_byte[128];
            std::fill(std::begin(allowed_byte), std::end(allowed_byte), true);
            probes.clear();
            for (int b = 0; b < 128; ++b) {
                if (tables->probe_token[static_cast<std::size_t>(b)] >= 0) {
                    probes.push_back(
                        {tables->probe_token[static_cast<std::size_t>(b)], 0.0f, 0.0f});
                }
            }
            llama_token_data_array probe_array{probes.data(), probes.size(), -1, false};
            llama_sampler_apply(grammar.get(), &probe_array);
            for (std::size_t p = 0, b = 0; b < 128; ++b) {
                if (tables->probe_token[b] >= 0) allowed_byte[b] = !std::isinf(probes[p++].logit);
            }
            candidates.clear();
            for (llama_token t = 0; t < n_vocab; ++t) {
                const uint8_t first = tables->first_byte[static_cast<std::size_t>(t)];
                if (first == Engine::Impl::kAnyByte || allowed_byte[first])
                    candidates.push_back({t, logits[t], 0.0f});
            }
            if (candidates.empty()) return -1;
            const auto by_logit = [](const llama_token_data& a, const llama_token_data& b) {
                return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
            };
            best = -1;
            std::size_t sorted = 0;
            for (std::size_t k : {std::size_t{64}, std::size_t{2048}}) {
                k = std::min(k, candidates.size());
                std::partial_sort(candidates.begin() + static_cast<std::ptrdiff_t>(sorted),
                                  candidates.begin() + static_cast<std::ptrdiff_t>(k),
                                  candidates.end(), by_logit);
                sorted = k;
                best = best_allowed(k);
                if (best >= 0) break;
            }
            if (best < 0) {
                llama_token_data_array all{candidates.data(), candidates.size(), -1, false};
                llama_sampler_apply(grammar.get(), &all);
                float best_logit = -INFINITY;
                for (const auto& c : candidates) {
                    if (c.logit > best_logit || (c.logit == best_logit && c.id < best)) {
                        best_logit = c.logit;
                        best = c.id;
                    }
                }
            }
        }
        if (best >= 0) llama_sampler_accept(grammar.get(), best);
        return best;  // -1: the grammar allows nothing more
    }
};

struct Slot {
    llama_seq_id seq = 0;
    std::size_t request = 0;
    bool busy = false;
    std::vector<llama_token> prompt;
    std::size_t n_prompt_done = 0;
    llama_pos pos = 0;
    std::unique_ptr<TokenChooser> chooser;
    llama_token pending = -1;  // sampled, not yet decoded
    int batch_index = -1;      // where this slot's logits are in the current batch
    GenerationResult result;
    Clock::time_point t_start;
};

// Null when the grammar does not parse.
std::unique_ptr<TokenChooser> make_chooser(Engine::Impl& im, const GenerationRequest& request) {
    const llama_vocab* vocab = im.vocab;
    auto chooser = std::make_unique<TokenChooser>();
    if (!request.grammar.empty() && im.first_byte.empty()) im.build_byte_tables();
    chooser->tables = &im;
    auto grammar_sampler = [&]() -> llama_sampler* {
        StderrCapture parser_output;  // keep the parser's diagnostics off the terminal
        llama_sampler* g = llama_sampler_init_grammar(vocab, request.grammar.c_str(), "root");
        parser_output.finish();
        return g;
    };
    if (request.temperature > 0.0f) {
        auto chain_params = llama_sampler_chain_default_params();
        chain_params.no_perf = true;
        chooser->chain.reset(llama_sampler_chain_init(chain_params));
        if (!request.grammar.empty()) {
            llama_sampler* g = grammar_sampler();
            if (!g) return nullptr;
            llama_sampler_chain_add(chooser->chain.get(), g);
        }
        llama_sampler_chain_add(chooser->chain.get(), llama_sampler_init_temp(request.temperature));
        llama_sampler_chain_add(chooser->chain.get(),
                                llama_sampler_init_dist(static_cast<uint32_t>(request.seed)));
    } else if (!request.grammar.empty()) {
        chooser->grammar.reset(grammar_sampler());
        if (!chooser->grammar) return nullptr;
    }
    return chooser;
}

}  // namespace

void Engine::Impl::build_byte_tables() {
    const int n_vocab = llama_vocab_n_tokens(vocab);
    first_byte.assign(static_cast<std::size_t>(n_vocab), kAnyByte);
    probe_token.fill(-1);
    char buf[64];
    for (llama_token t = 0; t < n_vocab; ++t) {
        // The grammar reads control tokens by their text; leave them to it.
        if (llama_vocab_is_control(vocab, t) || llama_vocab_is_eog(vocab, t)) continue;
        const int32_t n = llama_token_to_piece(vocab, t, buf, sizeof(buf), 0, /*special=*/true);
        if (n <= 0) continue;
        const auto first = static_cast<unsigned char>(buf[0]);
        if (first >= 128) continue;
        first_byte[static_cast<std::size_t>(t)] = first;
        if (n == 1 && probe_token[first] < 0) probe_token[first] = t;
    }
}

namespace {

using OnDone = std::function<void(std::size_t, GenerationResult&&)>;

// One Engine::generate call: the slots, the shared batch, and the requests in the order of their
// prefix plan (prompts sharing a prefix start one after another from the prefix stream).
class GenerationRun {
public:
    GenerationRun(Engine::Impl& im, const std::vector<GenerationRequest>& requests,
                  const OnDone& on_done)
        : im_(im),
          requests_(requests),
          on_done_(on_done),
          n_batch_(static_cast<int>(llama_n_batch(im.context.get()))),
          ctx_per_seq_(im.options.ctx_per_sequence),
          memory_(llama_get_memory(im.context.get())),
          bos_(llama_vocab_bos(im.vocab)),
          n_vocab_(llama_vocab_n_tokens(im.vocab)),
          slots_(static_cast<std::size_t>(im.options.parallel)),
          batch_owner_(n_batch_, 1) {
        for (std::size_t i = 0; i < slots_.size(); ++i)
            slots_[i].seq = static_cast<llama_seq_id>(i);
    }

    Status run(const std::atomic<bool>* cancel) {
        plan_requests();
        engine::DeviceGreedy device_greedy(im_.context.get(), im_.options.parallel,
                                           im_.options.device_sampling, requests_);
        device_greedy_ = device_greedy.active() ? &device_greedy : nullptr;
        while (true) {
            for (auto& slot : slots_) {
                if (!slot.busy && !admit(slot)) break;
            }
            if (n_busy_ == 0 && schedule_->done()) break;
            if (cancel && cancel->load()) {
                release_busy();
                return make_error(ErrorCode::kCancelled, "generation interrupted");
            }
            fill_batch();
            const int32_t rc = im_.decode(batch_owner_.batch);
            if (rc != 0) {
                release_busy();
                return decode_error(rc, im_.options);
            }
            for (auto& slot : slots_) {
                if (slot.busy && slot.batch_index >= 0) advance(slot);
            }
        }
        return Status::success();
    }

private:
    void finish(Slot& slot, FinishReason reason) {
        slot.result.finish = reason;
        slot.result.t_latency_ms =
            std::chrono::duration<double, std::milli>(Clock::now() - slot.t_start).count();
        llama_memory_seq_rm(memory_, slot.seq, -1, -1);
        slot.busy = false;
        slot.chooser.reset();
        --n_busy_;
        on_done_(slot.request, std::move(slot.result));
    }

    void release_busy() {
        for (auto& slot : slots_) {
            if (slot.busy) llama_memory_seq_rm(memory_, slot.seq, -1, -1);
        }
    }

    // The request's prompt tokens, or the error result it gets instead (nullopt tokens).
    std::optional<std::vector<llama_token>> prompt_tokens(std::size_t index,
                                                          GenerationResult& failed) const {
        std::vector<llama_token> prompt = im_.tokenize(requests_[index].prompt, true);
        // A rendered chat template often starts with the BOS text itself; keep a single BOS.
        if (prompt.size() >= 2 && prompt[0] == bos_ && prompt[1] == bos_)
            prompt.erase(prompt.begin());
        if (prompt.empty()) {
            failed.error = "the prompt is empty";
            return std::nullopt;
        }
        if (static_cast<int>(prompt.size()) >= ctx_per_seq_) {
            failed.n_tokens_prompt = static_cast<int>(prompt.size());
            failed.error = "the prompt has " + std::to_string(prompt.size()) +
                           " tokens but the context holds " + std::to_string(ctx_per_seq_) +
                           " per sequence: raise --ctx or shorten the prompt";
            return std::nullopt;
        }
        return prompt;
    }

    // Tokenizes every request (answering those that cannot run) and plans the prefix reuse of
    // the others. Each keeps its last prompt token to decode: its logits choose the first token.
    void plan_requests() {
        std::vector<std::span<const llama_token>> prompts;
        std::vector<std::size_t> max_shared;
        prompts_.resize(requests_.size());
        for (std::size_t index = 0; index < requests_.size(); ++index) {
            GenerationResult failed;
            failed.finish = FinishReason::kError;
            std::optional<std::vector<llama_token>> prompt = prompt_tokens(index, failed);
            if (!prompt) {
                on_done_(index, std::move(failed));
                continue;
            }
            prompts_[index] = std::move(*prompt);
            runnable_.push_back(index);
        }
        for (std::size_t index : runnable_) {
            prompts.emplace_back(prompts_[index]);
            max_shared.push_back(prompts_[index].size() - 1);
        }
        schedule_.emplace(memory_, stream_seq(im_), std::move(prompts), max_shared);
    }

    // Admits the next request of the plan into `slot`; false when none is left or the next one
    // waits for the prefix stream. A grammar that does not parse is answered with an error.
    bool admit(Slot& slot) {
        while (const engine::PrefixStep* step = schedule_->next_ready()) {
            const std::size_t index = runnable_[step->request];
            std::unique_ptr<TokenChooser> chooser = make_chooser(im_, requests_[index]);
            if (!chooser) {
                schedule_->take(*step, std::nullopt);
                GenerationResult failed;
                failed.finish = FinishReason::kError;
                failed.error = "the grammar does not parse: " + llama::recent_llama_errors();
                on_done_(index, std::move(failed));
                continue;
            }
            schedule_->take(*step, slot.seq);
            start(slot, index, step->shared, std::move(chooser));
            return true;
        }
        return false;
    }

    // Starts the request in `slot`, whose sequence already holds the first `shared` prompt tokens.
    void start(Slot& slot, std::size_t index, std::size_t shared,
               std::unique_ptr<TokenChooser> chooser) {
        slot.request = index;
        slot.busy = true;
        slot.prompt = std::move(prompts_[index]);
        slot.n_prompt_done = shared;
        slot.pos = static_cast<llama_pos>(shared);
        slot.chooser = std::move(chooser);
        slot.pending = -1;
        slot.result = GenerationResult{};
        slot.result.n_tokens_prompt = static_cast<int>(slot.prompt.size());
        im_.stats.n_tokens_prompt += slot.prompt.size();
        slot.t_start = Clock::now();
        ++n_busy_;
    }

    // One new token per generating slot first, then the prefix stream (slots wait for it), then
    // prompt chunks up to n_batch tokens; then all of them in sequence order.
    void fill_batch() {
        llama_batch& batch = batch_owner_.batch;
        batch_clear(batch);
        for (auto& slot : slots_) {
            slot.batch_index = -1;
            if (slot.busy && slot.pending >= 0) {
                slot.batch_index = batch.n_tokens;
                batch_add(batch, slot.pending, slot.pos++, slot.seq, true);
                slot.pending = -1;
            }
        }
        im_.stats.n_tokens_prompt_computed += schedule_->fill(batch, n_batch_);
        for (auto& slot : slots_) {
            if (!slot.busy || slot.n_prompt_done >= slot.prompt.size()) continue;
            const int room = n_batch_ - batch.n_tokens;
            if (room <= 0) break;
            const std::size_t chunk = std::min<std::size_t>(
                static_cast<std::size_t>(room), slot.prompt.size() - slot.n_prompt_done);
            for (std::size_t k = 0; k < chunk; ++k) {
                const bool last = slot.n_prompt_done + 1 == slot.prompt.size();
                if (last) slot.batch_index = batch.n_tokens;
                batch_add(batch, slot.prompt[slot.n_prompt_done], slot.pos++, slot.seq, last);
                slot.n_prompt_done++;
            }
            im_.stats.n_tokens_prompt_computed += chunk;
        }
        // In sequence order the decode step is one micro-batch (engine/batch_order.h).
        const std::vector<int> moved = engine::order_batch_by_sequence(batch);
        for (auto& slot : slots_) {
            if (slot.batch_index >= 0)
                slot.batch_index = moved[static_cast<std::size_t>(slot.batch_index)];
        }
    }

    // Chooses the slot's next token from the decoded logits and finishes the slot when it is done.
    void advance(Slot& slot) {
        const GenerationRequest& request = requests_[slot.request];
        llama_token token = -1;
        if (device_greedy_) {
            token = device_greedy_->token(slot.batch_index);
            im_.stats.n_tokens_sampled_on_device++;
        } else {
            token = slot.chooser->choose(im_.context.get(), slot.batch_index, n_vocab_);
        }
        if (token < 0) return finish(slot, FinishReason::kGrammarComplete);
        if (llama_vocab_is_eog(im_.vocab, token) && !request.ignore_eos) {
            return finish(slot, FinishReason::kEndOfSequence);
        }
        slot.result.n_tokens_generated++;
        im_.stats.n_tokens_generated++;
        const std::size_t before = slot.result.text.size();
        slot.result.text += im_.token_piece(token);
        const std::size_t stop_at = engine::find_stop(slot.result.text, request.stop, before);
        if (stop_at != std::string::npos) {
            slot.result.text.resize(stop_at);
            return finish(slot, FinishReason::kStopString);
        }
        if (slot.result.n_tokens_generated >= request.max_tokens || slot.pos + 1 >= ctx_per_seq_) {
            return finish(slot, FinishReason::kMaxTokens);
        }
        slot.pending = token;
    }

    Engine::Impl& im_;
    const std::vector<GenerationRequest>& requests_;
    const OnDone& on_done_;
    const int n_batch_;
    const int ctx_per_seq_;
    llama_memory_t memory_;
    const llama_token bos_;
    const int n_vocab_;
    std::vector<Slot> slots_;
    llama::BatchOwner batch_owner_;
    // By request; moved into its slot when it starts (the schedule reads it only before).
    std::vector<std::vector<llama_token>> prompts_;
    std::vector<std::size_t> runnable_;               // requests with a prompt that fits
    std::optional<engine::PrefixSchedule> schedule_;  // over runnable_
    int n_busy_ = 0;
    const engine::DeviceGreedy* device_greedy_ = nullptr;  // during run(), when active
};

}  // namespace

Status Engine::generate(const std::vector<GenerationRequest>& requests,
                        const std::function<void(std::size_t, GenerationResult&&)>& on_done,
                        const std::atomic<bool>* cancel) {
    return GenerationRun(*impl_, requests, on_done).run(cancel);
}

}  // namespace biomedq
