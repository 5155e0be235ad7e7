// `info`'s memory answer: llama.cpp sizes every buffer itself in a no-alloc load (see
// include/biomedq/memory_simulation.h), with the same parameters Engine::load uses.
#include "biomedq/memory_simulation.h"

#include <ggml-backend.h>
#include <llama.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

// llama_get_memory_breakdown (per buffer type: model, context, compute) is declared in llama.cpp's
// staging header, which its own --fit code (common/fit.cpp) includes the same way.
#include "../src/llama-ext.h"
#include "engine/engine_impl.h"
#include "llama/context_params.h"
#include "llama/handles.h"
#include "llama/kv_cache_type.h"
#include "llama/model_loader.h"
#include "llama/recent_log.h"

namespace biomedq {
namespace {

SimulatedDevice describe_device(ggml_backend_dev_t dev, bool host) {
    SimulatedDevice d;
    d.name = ggml_backend_dev_name(dev);
    d.description = ggml_backend_dev_description(dev);
    d.host = host;
    // ggml-rpc aborts when asked about a server that has gone away; the load just talked to it, but
    // its memory is the remote machine's business, so it is not asked again.
    if (host || !llama::is_rpc_device(dev)) {
        size_t free = 0, total = 0;
        ggml_backend_dev_memory(dev, &free, &total);
        d.bytes_free = free;
        d.bytes_total = total;
    }
    return d;
}

}  // namespace

std::uint64_t MemorySimulation::bytes_gpu_with_overhead() const {
    std::uint64_t total = 0;
    for (const auto& d : devices) {
        if (!d.host) total += d.bytes_buffers() + d.bytes_overhead();
    }
    return total;
}

namespace {

Status check_request(const std::string& model_path, const MemoryRequest& request) {
    if (request.ctx_per_seq == 0 || request.n_parallel == 0) {
        return make_error(ErrorCode::kInvalidArgument,
                          "the context and the parallel sequences must be > 0");
    }
    BIOMEDQ_TRY(check_kv_cache_type(request.kv_type, "--kv-type"));
    return llama::check_model_file(model_path);
}

Result<llama::ModelPtr> load_header_only(const std::string& model_path,
                                         const MemoryRequest& request,
                                         const std::vector<std::string>& rpc_servers) {
    llama_model_params mparams = llama_model_default_params();
    mparams.n_gpu_layers = request.n_gpu_layers < 0 ? 999 : request.n_gpu_layers;
    mparams.no_alloc = true;
    // No mmap and no reading: only the header is parsed (as llama.cpp's own fitting does).
    mparams.load_mode = LLAMA_LOAD_MODE_NONE;
    BIOMEDQ_ASSIGN(std::vector<ggml_backend_dev_t> devices, llama::model_devices(rpc_servers));
    if (!devices.empty()) mparams.devices = devices.data();
    return llama::load_model(model_path, mparams, "read");
}

// The same context parameters as Engine::load (`n_seq` sequences: the prefix stream included where
// the engine would have one), on one thread (sizes do not depend on it).
llama_context_params simulation_context_params(const MemoryRequest& request, uint32_t n_seq) {
    return llama::context_params({.ctx_per_sequence = request.ctx_per_seq,
                                  .n_parallel = n_seq,
                                  .n_batch = request.n_batch,
                                  .n_ubatch = request.n_ubatch,
                                  .threads = 1,
                                  .flash_attention = request.flash_attn,
                                  .kv_unified = request.kv_unified,
                                  .kv_type = request.kv_type});
}

Error context_error(const std::string& model_path, const MemoryRequest& request) {
    const std::string why = llama::recent_llama_errors();
    return make_error(ErrorCode::kResource,
                      model_path + ": llama.cpp could not create a context for " +
                          std::to_string(request.n_parallel) + " sequences of " +
                          std::to_string(request.ctx_per_seq) + " tokens" +
                          (why.empty() ? std::string() : ": " + why));
}

// The host first, then the model's devices in llama.cpp's order; returns the model's devices.
Result<std::vector<ggml_backend_dev_t>> add_devices(MemorySimulation& sim,
                                                    const llama_model* model) {
    ggml_backend_dev_t cpu = ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU);
    if (!cpu) return make_error(ErrorCode::kBackend, "llama.cpp has no CPU backend");
    sim.devices.push_back(describe_device(cpu, true));
    const auto n_devices = static_cast<int>(llama_model_n_devices(model));
    std::vector<ggml_backend_dev_t> model_devs;
    for (int i = 0; i < n_devices; ++i) {
        ggml_backend_dev_t dev = llama_model_get_device(model, i);
        model_devs.push_back(dev);
        sim.devices.push_back(describe_device(dev, false));
    }
    return model_devs;
}

// One buffer of llama.cpp's breakdown, added to its device and to the totals.
void add_buffer(MemorySimulation& sim, const std::vector<ggml_backend_dev_t>& model_devs,
                SimulatedBuffer b, ggml_backend_dev_t dev) {
    MemoryEstimate& e = sim.totals;
    SimulatedDevice* owner = &sim.devices.front();
    if (!b.host) {
        const auto it = std::find(model_devs.begin(), model_devs.end(), dev);
        if (it != model_devs.end())
            owner = &sim.devices[1 + static_cast<std::size_t>(it - model_devs.begin())];
    }
    b.device = owner->name;
    owner->bytes_weights += b.bytes_weights;
    owner->bytes_kv += b.bytes_kv;
    owner->bytes_compute += b.bytes_compute;
    e.bytes_kv += b.bytes_kv;
    if (owner->host) {
        e.bytes_weights_host += b.bytes_weights;
        e.bytes_compute_host += b.bytes_compute;
    } else {
        e.bytes_weights_gpu += b.bytes_weights;
        e.bytes_kv_gpu += b.bytes_kv;
        e.bytes_compute += b.bytes_compute;
    }
    sim.buffers.push_back(std::move(b));
}

void add_buffers(MemorySimulation& sim, const std::vector<ggml_backend_dev_t>& model_devs,
                 llama_context* ctx) {
    for (const auto& [buft, mb] : llama_get_memory_breakdown(ctx)) {
        SimulatedBuffer b;
        b.buffer_type = ggml_backend_buft_name(buft);
        b.host = ggml_backend_buft_is_host(buft);
        b.bytes_weights = mb.model;
        b.bytes_kv = mb.context;
        b.bytes_compute = mb.compute;
        add_buffer(sim, model_devs, std::move(b), ggml_backend_buft_get_device(buft));
    }
}

// The logits buffer is allocated outside the breakdown, in host memory: llama_context's
// output_reserve sizes it for max(requested rows, n_seq_max) rows of n_vocab floats.
void add_outputs(MemorySimulation& sim, const MemoryRequest& request, const llama_model* model,
                 const llama_context* ctx) {
    MemoryEstimate& e = sim.totals;
    const uint32_t n_seq = llama_n_seq_max(ctx);
    const uint32_t rows = std::max(request.n_outputs ? request.n_outputs : n_seq, n_seq);
    const auto n_vocab = static_cast<uint64_t>(llama_vocab_n_tokens(llama_model_get_vocab(model)));
    e.bytes_output = uint64_t{rows} * n_vocab * sizeof(float);
    sim.devices.front().bytes_output = e.bytes_output;
    e.n_ctx_total = llama_n_ctx(ctx);
    e.n_ctx_seq = llama_n_ctx_seq(ctx);
}

void add_device_overheads(MemorySimulation& sim,
                          const std::vector<ggml_backend_dev_t>& model_devs) {
    for (std::size_t i = 1; i < sim.devices.size(); ++i) {
        SimulatedDevice& d = sim.devices[i];
        const bool used = d.bytes_buffers() > 0;
        if (used && !llama::is_rpc_device(model_devs[i - 1]) && d.bytes_total > d.bytes_free) {
            d.bytes_runtime_overhead = d.bytes_total - d.bytes_free;
        }
        if (used && !llama::is_rpc_device(model_devs[i - 1])) {
            d.bytes_run_growth = recorded_device_run_growth(d.description);
        }
    }
}

}  // namespace

Result<MemorySimulation> simulate_memory(const std::string& model_path,
                                         const MemoryRequest& request,
                                         const std::vector<std::string>& rpc_servers) {
    BIOMEDQ_TRY(check_request(model_path, request));
    llama::prepare_load(false);
    const auto t_start = std::chrono::steady_clock::now();
    BIOMEDQ_ASSIGN(llama::ModelPtr model, load_header_only(model_path, request, rpc_servers));
    const bool prefix_stream =
        request.prefix_stream &&
        model_allows_prefix_reuse(model.get(), static_cast<int>(request.n_parallel));
    const uint32_t n_seq = request.n_parallel + (prefix_stream ? 1 : 0);
    llama::ContextPtr ctx(
        llama_init_from_model(model.get(), simulation_context_params(request, n_seq)));
    if (!ctx) return context_error(model_path, request);

    MemorySimulation sim;
    BIOMEDQ_ASSIGN(const std::vector<ggml_backend_dev_t> model_devs, add_devices(sim, model.get()));
    add_buffers(sim, model_devs, ctx.get());
    add_outputs(sim, request, model.get(), ctx.get());
    add_device_overheads(sim, model_devs);
    sim.t_simulate_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start)
            .count();
    return sim;
}

}  // namespace biomedq
