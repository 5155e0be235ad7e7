// The prefix stream of a PrefixPlan at run time: one KV sequence beyond the `parallel` ones (its
// own stream of ctx_per_sequence cells, like every sequence) holding the prefix the next requests
// start from. A request starts by copying it: with one KV stream per sequence llama.cpp copies the
// whole stream buffer, a device copy far cheaper than decoding the prefix again. A unified cache
// would share the cells without copying, but then every token attends over the cells of all
// sequences.
#pragma once

#include <llama.h>

#include <optional>
#include <span>
#include <vector>

#include "engine/engine_impl.h"
#include "engine/prefix_plan.h"

namespace biomedq::engine {

class PrefixStream {
public:
    PrefixStream(llama_memory_t memory, llama_seq_id seq) : memory_(memory), seq_(seq) {}
    PrefixStream(const PrefixStream&) = delete;
    PrefixStream& operator=(const PrefixStream&) = delete;
    ~PrefixStream() { llama_memory_seq_rm(memory_, seq_, -1, -1); }

    // True once the stream holds tokens[0:step.shared] decoded. The first call for a step cuts the
    // stream back to step.keep and queues the rest for the next batches (fill).
    bool ready(std::size_t step_index, const PrefixStep& step,
               std::span<const llama_token> tokens) {
        if (prepared_ != step_index) {
            prepared_ = step_index;
            llama_memory_seq_rm(memory_, seq_, static_cast<llama_pos>(step.keep), -1);
            pending_.assign(tokens.begin() + static_cast<std::ptrdiff_t>(step.keep),
                            tokens.begin() + static_cast<std::ptrdiff_t>(step.shared));
            next_pos_ = step.keep;
            n_added_ = 0;
        }
        return n_added_ == pending_.size();
    }

    // Adds queued prefix tokens to the batch (no logits), up to n_batch tokens in all. The batch
    // is decoded before the next ready() call, so added tokens count as decoded there.
    std::size_t fill(llama_batch& batch, int n_batch) {
        std::size_t added = 0;
        while (n_added_ < pending_.size() && batch.n_tokens < n_batch) {
            batch_add(batch, pending_[n_added_++], static_cast<llama_pos>(next_pos_++), seq_,
                      false);
            ++added;
        }
        return added;
    }

    // Starts sequence `seq` (empty) from the stream: it then holds positions [0, shared).
    void copy_to(llama_seq_id seq) const { llama_memory_seq_cp(memory_, seq_, seq, -1, -1); }

private:
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    llama_memory_t memory_;
    llama_seq_id seq_;
    std::size_t prepared_ = kNone;  // the plan step the stream is (being) prepared for
    std::vector<llama_token> pending_;
    std::size_t next_pos_ = 0;
    std::size_t n_added_ = 0;
};

// A plan and its stream as one generate or log-likelihood call walks them: which request starts
// next, whether it waits for the stream, and starting its sequence from the stream. Without a
// stream (reuse off, or a model that cannot reuse) the plan keeps the same order and shares
// nothing.
class PrefixSchedule {
public:
    // `prompts` must stay readable until their step is taken; the stream is sequence `stream_seq`.
    PrefixSchedule(llama_memory_t memory, std::optional<llama_seq_id> stream_seq,
                   std::vector<std::span<const llama_token>> prompts,
                   const std::vector<std::size_t>& max_shared)
        : prompts_(std::move(prompts)) {
        if (stream_seq) stream_.emplace(memory, *stream_seq);
        plan_ = plan_prefix_reuse(prompts_, max_shared, stream_.has_value());
    }

    bool done() const { return next_ == plan_.steps.size(); }

    // The next step, or null when none is left or it waits for tokens the stream still decodes.
    const PrefixStep* next_ready() {
        if (done()) return nullptr;
        const PrefixStep& step = plan_.steps[next_];
        if (step.shared > 0 && !stream_->ready(next_, step, prompts_[step.request])) return nullptr;
        return &step;
    }

    // Takes the step next_ready() gave; `seq` (empty) then holds its first step.shared tokens.
    // Without a sequence (the request failed before it started) the step is only skipped.
    void take(const PrefixStep& step, std::optional<llama_seq_id> seq) {
        if (seq && step.shared > 0) stream_->copy_to(*seq);
        ++next_;
    }

    // Adds the stream's queued tokens to the batch (before any request's, which may wait for them).
    std::size_t fill(llama_batch& batch, int n_batch) {
        return stream_ ? stream_->fill(batch, n_batch) : 0;
    }

private:
    std::vector<std::span<const llama_token>> prompts_;
    std::optional<PrefixStream> stream_;
    PrefixPlan plan_;
    std::size_t next_ = 0;
};

}  // namespace biomedq::engine
