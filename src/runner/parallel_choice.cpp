#include "runner/parallel_choice.h"

#include <charconv>
#include <fmt/format.h>

#include "biomedq/engine.h"
#include "biomedq/memory_simulation.h"
#include "runner/environment.h"

namespace biomedq::runner {

int largest_fitting_parallel(const std::function<std::uint64_t(int)>& bytes_for, std::uint64_t budget_bytes,
                             int max_parallel) {
    int best = 0;
    for (int p = 1; p <= max_parallel; p *= 2) {
        if (bytes_for(p) > budget_bytes) break;
        best = p;
    }
    return best;
}

int largest_fitting_parallel(const ModelInfo& model, const MemoryRequest& base, std::uint64_t budget_bytes,
                             bool gpu, int max_parallel) {
    return largest_fitting_parallel(
        [&](int p) {
            MemoryRequest r = base;
            r.n_parallel = static_cast<uint32_t>(p);
            const MemoryEstimate e = estimate_memory(model, r);
            return gpu ? e.bytes_gpu() : e.bytes_total();
        },
        budget_bytes, max_parallel);
}

Result<int> choose_parallel(const RunConfig& config, const ModelInfo& model, std::size_t n_pending) {
    if (config.parallel != "auto") {
        int p = 0;
        const auto& s = config.parallel;
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), p);
        if (ec != std::errc() || ptr != s.data() + s.size() || p < 1 || p > 256) {
            return make_error(ErrorCode::kInvalidArgument, "--parallel " + s + ": expected a number from 1 to 256, or auto");
        }
        return p;
    }
    MemoryRequest base;
    base.ctx_per_seq = static_cast<uint32_t>(config.ctx);
    base.n_gpu_layers = config.gpu_layers;
    base.kv_type = config.kv_type;
    const auto devices = list_gpu_devices();
    const bool gpu = !devices.empty() && config.gpu_layers != 0;
    std::uint64_t free_bytes = 0;
    if (gpu) {
        for (const auto& d : devices) free_bytes += d.bytes_free_before_load;
    } else {
        free_bytes = host_available_bytes();
    }
    const auto budget = static_cast<std::uint64_t>(static_cast<double>(free_bytes) * kMemoryHeadroom);
    // More sequences than examples only costs memory.
    int cap = kMaxAutoParallel;
    while (cap > 1 && static_cast<std::size_t>(cap / 2) >= n_pending) cap /= 2;
    // llama.cpp sizes each candidate itself (no-alloc load, no weights read); the formula answers only
    // where it cannot. The free memory was read with this process's CUDA context in place; what a run
    // adds beyond its buffers (scratch pool, workspaces: the growth the last run on this device model
    // recorded) has to fit too.
    auto bytes_for = [&](int n) -> std::uint64_t {
        MemoryRequest r = base;
        r.n_parallel = static_cast<uint32_t>(n);
        auto sim = simulate_memory(config.model_path, r, config.rpc_servers);
        if (!sim.ok()) {
            const MemoryEstimate e = estimate_memory(model, r);
            return gpu ? e.bytes_gpu() : e.bytes_total();
        }
        if (!gpu) return sim->totals.bytes_total();
        std::uint64_t growth = 0;
        for (const auto& d : sim->devices) {
            if (!d.host) growth += d.bytes_run_growth;
        }
        return sim->totals.bytes_gpu() + growth;
    };
    const int p = largest_fitting_parallel(bytes_for, budget, cap);
    if (p == 0) {
        const std::uint64_t one = bytes_for(1);
        return make_error(ErrorCode::kResource,
                          fmt::format("{}: one sequence of {} tokens needs about {:.2f} GiB but {:.2f} GiB "
                                      "is free on the {}: use a smaller quantization, a smaller --ctx, or "
                                      "fewer --gpu-layers",
                                      config.model_path, config.ctx,
                                      static_cast<double>(one) / (1 << 30),
                                      static_cast<double>(free_bytes) / (1 << 30), gpu ? "GPU" : "host"));
    }
    return p;
}

}  // namespace biomedq::runner
