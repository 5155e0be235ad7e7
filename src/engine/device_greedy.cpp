#include "engine/device_greedy.h"

#include <algorithm>

namespace biomedq::engine {

DeviceGreedy::DeviceGreedy(llama_context* ctx, int n_seq, bool enabled,
                           const std::vector<GenerationRequest>& requests)
    : ctx_(ctx) {
    const bool all_greedy = std::all_of(requests.begin(), requests.end(), [](const auto& r) {
        return r.temperature <= 0.0f && r.grammar.empty();
    });
    if (!enabled || !all_greedy || requests.empty()) return;
    for (llama_seq_id seq = 0; seq < n_seq; ++seq) {
        auto params = llama_sampler_chain_default_params();
        params.no_perf = true;
        chains_.emplace_back(llama_sampler_chain_init(params));
        llama_sampler_chain_add(chains_.back().get(), llama_sampler_init_greedy());
        if (!llama_set_sampler(ctx_, seq, chains_.back().get())) {
            // This device cannot sample (llama.cpp said why in its log): the host path for all.
            detach();
            return;
        }
    }
}

void DeviceGreedy::detach() {
    for (llama_seq_id seq = 0; seq < static_cast<llama_seq_id>(chains_.size()); ++seq)
        llama_set_sampler(ctx_, seq, nullptr);
    chains_.clear();
}

DeviceGreedy::~DeviceGreedy() { detach(); }

}  // namespace biomedq::engine
