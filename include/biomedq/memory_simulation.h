// The memory a model + context needs, answered by llama.cpp itself: the model and a context are
// created with llama_model_params.no_alloc ("only load metadata and simulate memory allocations"),
// so every buffer llama.cpp would allocate is sized on this host's real devices and buffer types
// (CPU, CPU_REPACK and other extra CPU buffer types, CUDA, RPC servers) without reading a weight.
// The formula in quant.h (estimate_memory) is what remains where no simulation can run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "biomedq/quant.h"
#include "biomedq/result.h"

namespace biomedq {

// One llama.cpp buffer type ("CPU", "CPU_REPACK", "CUDA0", "CUDA_Host", "RPC0[127.0.0.1:5005]").
struct SimulatedBuffer {
    std::string buffer_type;
    std::string device;  // the ggml device that owns it; "CPU" for host buffer types
    bool host = false;   // lives in host memory (ggml_backend_buft_is_host)
    std::uint64_t bytes_weights = 0;
    std::uint64_t bytes_kv = 0;  // llama.cpp's "context" memory: the KV cache
    std::uint64_t bytes_compute = 0;
};

// Everything on one device. The host device ("CPU") also holds the logits output buffer.
struct SimulatedDevice {
    std::string name;         // ggml device name: "CPU", "CUDA0", "RPC0[host:port]"
    std::string description;  // e.g. "NVIDIA H200"
    bool host = false;
    std::uint64_t bytes_weights = 0;
    std::uint64_t bytes_kv = 0;
    std::uint64_t bytes_compute = 0;
    std::uint64_t bytes_output = 0;
    // What the device already holds before biomedq loads anything (GPUs only: the CUDA context of
    // this process and whatever other processes hold), measured at simulation time as
    // total - free; 0 for the host and for RPC servers (their memory is the remote machine's).
    std::uint64_t bytes_runtime_overhead = 0;
    // What the last real run on a device of this model (description) needed beyond its buffers and
    // that at-load reading: ggml-cuda's scratch pool, cuBLAS workspaces, CUDA graphs. A no-alloc
    // simulation cannot see it; the eval runner measures it (results.json
    // memory.devices[].bytes_run_growth) and records it (record_device_run_growth). 0: none
    // recorded.
    std::uint64_t bytes_run_growth = 0;
    std::uint64_t bytes_free = 0;   // free memory the device reported (0 = unknown)
    std::uint64_t bytes_total = 0;  // total memory the device reported (0 = unknown)

    std::uint64_t bytes_buffers() const {
        return bytes_weights + bytes_kv + bytes_compute + bytes_output;
    }
    std::uint64_t bytes_overhead() const { return bytes_runtime_overhead + bytes_run_growth; }
};

struct MemorySimulation {
    MemoryEstimate totals;                 // the same figures in the formula's layout (host vs GPU)
    std::vector<SimulatedBuffer> buffers;  // per buffer type, in llama.cpp's order
    std::vector<SimulatedDevice> devices;  // the host first, then each device the model uses
    double t_simulate_ms = 0;
    // GPU and RPC memory the buffers need plus the measured overhead of those devices (at load and
    // the recorded run growth): what the driver will show.
    std::uint64_t bytes_gpu_with_overhead() const;
};

// Simulates what `biomedq eval --model model_path` with this request would allocate (the engine's
// context parameters: n_ctx = ctx_per_seq * n_parallel, one KV stream per sequence, n_batch and
// n_ubatch clamped to n_ctx, flash attention "auto" unless request.flash_attn is false).
// `rpc_servers` as EngineOptions::rpc_servers. Takes over llama.cpp's log callback like
// Engine::load (not thread-safe with another load). Errors: kNotFound/kParse (file), kUnsupported
// (an architecture llama.cpp does not know), kInvalidArgument (kv type, request), kResource
// (llama.cpp could not create the context), the errors of the RPC device list.
Result<MemorySimulation> simulate_memory(const std::string& model_path,
                                         const MemoryRequest& request,
                                         const std::vector<std::string>& rpc_servers = {});

// The simulation in the formula's layout for judging a GPU budget (MemoryEstimate at
// request.n_gpu_layers). With a device that holds buffers (`device_simulated` set): as simulated.
// On a host without one, for a request that offloads every layer (n_gpu_layers < 0 or > n_layer):
// every weight but `bytes_weights_input` (token_embd, which llama.cpp keeps on the host), the KV
// cache and the compute buffer counted as GPU memory, the logits as host memory -- llama.cpp's
// exact weight and KV sizes, the CPU's compute buffer. nullopt for a partial offload on such a host
// (which layers land where is the formula's business then).
std::optional<MemoryEstimate> offloaded_view(const MemorySimulation& sim,
                                             const MemoryRequest& request, std::uint32_t n_layer,
                                             std::uint64_t bytes_weights_input,
                                             bool& device_simulated);

// The measured run growth per device model, kept in <cache>/device-overhead.json
// ({"NVIDIA H200": {"bytes_run_growth": N, "measured_at": "..."}}; <cache> as biomedq_cache_dir()).
// The last run wins: the growth depends on the batch, and the last run on a host is the best guess
// for the next. record_: errors kIo. recorded_: 0 when nothing (readable) is recorded.
std::filesystem::path device_overhead_cache_path();
Status record_device_run_growth(
    const std::string& description, std::uint64_t bytes_run_growth, const std::string& measured_at,
    const std::filesystem::path& cache_file = device_overhead_cache_path());
std::uint64_t recorded_device_run_growth(
    const std::string& description,
    const std::filesystem::path& cache_file = device_overhead_cache_path());

// `info --fit`: what fits a memory budget, each candidate sized by simulate_memory.
struct MemoryFit {
    // Measured against the budget: GPU and RPC buffers plus their runtime overhead when the model
    // uses such a device; on a host without one, every buffer (as if all of it were offloaded).
    bool device_simulated = false;
    bool fits = false;  // the request itself fits
    uint32_t max_ctx_per_seq =
        0;  // at the request's parallel (multiple of 256, <= ctx_limit); 0: none
    uint32_t max_parallel = 0;  // at the request's ctx (power of two, <= 64); 0: none
    int max_gpu_layers = 0;     // at the request's ctx and parallel, with a device; -1 = all
    std::uint64_t bytes_at_request = 0;
    int n_simulations = 0;
    double t_fit_ms = 0;
};

// Errors: those of simulate_memory for the request itself.
Result<MemoryFit> fit_memory(const std::string& model_path, const MemoryRequest& request,
                             std::uint64_t budget_bytes, uint32_t ctx_limit,
                             const std::vector<std::string>& rpc_servers = {});

// The figure fit_memory compares with the budget (see MemoryFit::device_simulated).
std::uint64_t bytes_against_budget(const MemorySimulation& sim, bool& device_simulated);

}  // namespace biomedq
