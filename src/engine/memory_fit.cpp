// `info --fit`: the largest context, parallel count or GPU layer count within a budget, every
// candidate sized by llama.cpp's no-alloc simulation. Memory grows monotonically in each of them
// (KV cells, logits rows, offloaded layers), so a doubling then bisection finds the edge in
// O(log n) simulations.
#include <chrono>

#include "biomedq/memory_simulation.h"

namespace biomedq {

std::uint64_t bytes_against_budget(const MemorySimulation& sim, bool& device_simulated) {
    device_simulated = false;
    for (const auto& d : sim.devices) {
        if (!d.host && d.bytes_buffers() > 0) device_simulated = true;
    }
    return device_simulated ? sim.bytes_gpu_with_overhead() : sim.totals.bytes_total();
}

Result<MemoryFit> fit_memory(const std::string& model_path, const MemoryRequest& request,
                             std::uint64_t budget_bytes, uint32_t ctx_limit,
                             const std::vector<std::string>& rpc_servers) {
    const auto t_start = std::chrono::steady_clock::now();
    MemoryFit fit;
    BIOMEDQ_ASSIGN(MemorySimulation at_request, simulate_memory(model_path, request, rpc_servers));
    ++fit.n_simulations;
    fit.bytes_at_request = bytes_against_budget(at_request, fit.device_simulated);
    fit.fits = fit.bytes_at_request <= budget_bytes;
    auto fits = [&](const MemoryRequest& r) {
        ++fit.n_simulations;
        auto sim = simulate_memory(model_path, r, rpc_servers);
        bool device = false;
        return sim.ok() && bytes_against_budget(*sim, device) <= budget_bytes;
    };

    // Context per sequence, in steps of 256 (llama.cpp's padding): largest k with fits(256 k).
    const uint32_t k_max = std::max<uint32_t>(1, ctx_limit / 256);
    auto ctx_fits = [&](uint32_t k) {
        MemoryRequest r = request;
        r.ctx_per_seq = 256 * k;
        return fits(r);
    };
    uint32_t lo = 0, hi = 0;  // lo fits (0 = nothing known), hi does not (0 = unknown)
    for (uint32_t k = 1;; k = std::min(k * 2, k_max)) {
        if (!ctx_fits(k)) {
            hi = k;
            break;
        }
        lo = k;
        if (k == k_max) break;
    }
    while (hi != 0 && hi - lo > 1) {
        const uint32_t mid = lo + (hi - lo) / 2;
        (ctx_fits(mid) ? lo : hi) = mid;
    }
    fit.max_ctx_per_seq = 256 * lo;

    for (uint32_t p = 1; p <= 64; p *= 2) {
        MemoryRequest r = request;
        r.n_parallel = p;
        if (!fits(r)) break;
        fit.max_parallel = p;
    }

    // GPU layers only mean something where a device holds them.
    fit.max_gpu_layers = request.n_gpu_layers;
    if (fit.device_simulated && !fit.fits) {
        int good = 0, bad = request.n_gpu_layers < 0 ? 1000 : request.n_gpu_layers;
        while (bad - good > 1) {
            const int mid = good + (bad - good) / 2;
            MemoryRequest r = request;
            r.n_gpu_layers = mid;
            (fits(r) ? good : bad) = mid;
        }
        fit.max_gpu_layers = good;
    }
    fit.t_fit_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start)
            .count();
    return fit;
}

}  // namespace biomedq
