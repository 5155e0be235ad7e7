// Whether the reference and the quantized model fit side by side (in-process mode) or must run one
// after the other (streamed mode). Uses the metadata memory estimate, not a trial load: a failed
// load of a 70B model would cost minutes.
#include <fstream>
#include <sstream>

#include "biomedq/engine.h"
#include "biomedq/fidelity.h"
#include "biomedq/quant.h"

namespace biomedq {

namespace {

std::uint64_t host_bytes_available() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::uint64_t kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit) {
        if (key == "MemAvailable:") return kib * 1024;
    }
    return 0;  // unknown: treated as "does not fit", the safe choice
}

std::string gib(std::uint64_t bytes) {
    std::ostringstream s;
    s.precision(2);
    s << std::fixed << static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0) << " GiB";
    return s.str();
}

}  // namespace

Result<FitDecision> decide_both_fit(const FidelityOptions& options) {
    MemoryRequest request;
    request.ctx_per_seq = static_cast<uint32_t>(options.ctx);
    request.n_parallel = 1;
    request.n_batch = static_cast<uint32_t>(options.ctx);
    request.n_ubatch = std::min<uint32_t>(512, static_cast<uint32_t>(options.ctx));
    request.n_outputs = static_cast<uint32_t>(options.ctx);
    const std::vector<DeviceMemory> gpus =
        options.gpu_layers == 0 ? std::vector<DeviceMemory>{} : list_gpu_devices();
    request.n_gpu_layers = gpus.empty() ? 0 : options.gpu_layers;

    std::uint64_t need_gpu = 0, need_host = 0;
    std::uint32_t n_vocab = 0;
    for (const auto& path : {options.ref_path, options.model_path}) {
        auto info = read_model_info(path);
        if (!info.ok() && info.error().code != ErrorCode::kUnsupported) return info.error();
        if (!info.ok()) {
            // An architecture the estimate does not know: count the whole file, on the host side.
            std::error_code ec;
            need_host += std::filesystem::file_size(path, ec);
            continue;
        }
        const MemoryEstimate e = estimate_memory(*info, request);
        need_gpu += e.bytes_gpu();
        need_host += e.bytes_total() - e.bytes_gpu();
        n_vocab = std::max(n_vocab, info->n_vocab);
    }
    // In-process mode also copies one chunk of reference logits.
    need_host += static_cast<std::uint64_t>(options.ctx) * n_vocab * sizeof(float);

    FitDecision d;
    const std::uint64_t host_free = host_bytes_available();
    d.both_fit = need_host * 10 <= host_free * 9;  // keep 10% headroom
    d.reason =
        "both models need " + gib(need_host) + " of host memory, " + gib(host_free) + " available";
    if (!gpus.empty()) {
        std::uint64_t gpu_free = 0;
        for (const auto& g : gpus) gpu_free += g.bytes_free_before_load;
        d.both_fit = d.both_fit && need_gpu * 10 <= gpu_free * 9;
        d.reason += "; " + gib(need_gpu) + " of GPU memory, " + gib(gpu_free) + " free";
    }
    return d;
}

}  // namespace biomedq
