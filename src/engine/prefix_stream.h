// The prefix stream of a PrefixPlan at run time: one KV sequence beyond the `parallel` ones (its
// own stream of ctx_per_sequence cells, like every sequence) holding the prefix the next requests
// start from. A request starts by copying it: with one KV stream per sequence llama.cpp copies the
// whole stream buffer, a device copy far cheaper than decoding the prefix again. A unified cache
// would share the cells without copying, but then every token attends over the cells of all
// sequences.
#pragma once

#include <llama.h>

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

}  // namespace biomedq::engine
