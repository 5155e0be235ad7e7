// Greedy choice on the device: for a generate call whose requests are all greedy and unconstrained,
// each sequence gets llama.cpp's backend sampler (a greedy sampler chain), so a decode step
// computes the argmax where the logits are and returns one token per row, instead of copying every
// row of logits (parallel x n_vocab floats) to the host for an argmax there. A grammar, or
// temperature sampling, needs the logits on the host: such calls keep the host path.
#pragma once

#include <llama.h>

#include <vector>

#include "biomedq/generation.h"
#include "llama/handles.h"

namespace biomedq::engine {

class DeviceGreedy {
public:
    // Attaches greedy samplers to sequences [0, n_seq) when `enabled` and every request is greedy
    // and unconstrained; active() says whether it did.
    DeviceGreedy(llama_context* ctx, int n_seq, bool enabled,
                 const std::vector<GenerationRequest>& requests);
    ~DeviceGreedy();  // detaches them: the next call (log-likelihood) needs raw logits again
    DeviceGreedy(const DeviceGreedy&) = delete;
    DeviceGreedy& operator=(const DeviceGreedy&) = delete;

    bool active() const { return !chains_.empty(); }
    // The token chosen for the output row `batch_index` of the last decode.
    llama_token token(int32_t batch_index) const {
        return llama_get_sampled_token_ith(ctx_, batch_index);
    }

private:
    void detach();  // from every sequence it was attached to
    llama_context* ctx_;
    std::vector<llama::SamplerPtr> chains_;  // one per sequence; alive while attached
};

}  // namespace biomedq::engine
