// A simulation seen as a GPU budget sees it (include/biomedq/memory_simulation.h: offloaded_view).
#include <algorithm>

#include "biomedq/memory_simulation.h"

namespace biomedq {

std::optional<MemoryEstimate> offloaded_view(const MemorySimulation& sim,
                                             const MemoryRequest& request, std::uint32_t n_layer,
                                             std::uint64_t bytes_weights_input,
                                             bool& device_simulated) {
    device_simulated = false;
    for (const auto& d : sim.devices) {
        if (!d.host && d.bytes_buffers() > 0) device_simulated = true;
    }
    if (device_simulated || request.n_gpu_layers == 0) return sim.totals;
    const bool all =
        request.n_gpu_layers < 0 || static_cast<std::uint32_t>(request.n_gpu_layers) > n_layer;
    if (!all) return std::nullopt;
    MemoryEstimate e = sim.totals;
    const std::uint64_t weights = e.bytes_weights_host + e.bytes_weights_gpu;
    e.bytes_weights_host = std::min(bytes_weights_input, weights);
    e.bytes_weights_gpu = weights - e.bytes_weights_host;
    e.bytes_kv_gpu = e.bytes_kv;
    e.bytes_compute += e.bytes_compute_host;
    e.bytes_compute_host = 0;
    return e;
}

}  // namespace biomedq
