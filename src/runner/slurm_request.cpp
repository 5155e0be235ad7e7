// What a Slurm job of a sweep asks for (memory, GPUs), from the memory estimate of its model.
#include <fmt/format.h>

#include <algorithm>

#include "biomedq/slurm.h"
#include "core/whole_number.h"

namespace biomedq {
namespace {

constexpr std::uint64_t kMiB = 1ull << 20;

std::uint64_t round_up_mib(std::uint64_t bytes) { return (bytes + kMiB - 1) / kMiB * kMiB; }

// The host part of an estimate: what llama.cpp keeps in host memory when `gpus` > 0, all of it on
// CPU.
std::uint64_t host_bytes(const MemoryEstimate& e, int gpus) {
    if (gpus == 0) return e.bytes_total();
    return e.bytes_weights_host + (e.bytes_kv - e.bytes_kv_gpu) + e.bytes_compute_host +
           e.bytes_output;
}

Result<int> gpu_count(const SlurmOptions& options, std::uint64_t bytes_gpu) {
    if (options.gpus_per_cell == "auto") {
        if (options.gpu_memory == 0) {
            return make_error(ErrorCode::kInvalidArgument,
                              "--gpus-per-cell auto needs --gpu-memory (memory of one GPU)");
        }
        return static_cast<int>(
            std::max<std::uint64_t>(1, (bytes_gpu + options.gpu_memory - 1) / options.gpu_memory));
    }
    const auto& s = options.gpus_per_cell;
    const auto n = whole_number<int>(s);
    if (!n || *n < 0) {
        return make_error(
            ErrorCode::kInvalidArgument,
            "--gpus-per-cell: expected a whole number >= 0 or auto, got \"" + s + "\"");
    }
    return *n;
}

}  // namespace

Result<JobRequest> cell_job_request(const SweepSpec& spec, const SweepCell& cell,
                                    const SlurmOptions& options) {
    BIOMEDQ_ASSIGN(CellMemory memory, estimate_cell_memory(spec, cell));
    JobRequest r;
    BIOMEDQ_ASSIGN(r.gpus, gpu_count(options, memory.estimate.bytes_gpu()));
    r.bytes_gpu = r.gpus > 0 ? memory.estimate.bytes_gpu() : 0;
    r.bytes_memory = round_up_mib(host_bytes(memory.estimate, r.gpus) + kBytesProcessMargin);
    return r;
}

Result<JobRequest> prepare_job_request(const SweepSpec& spec, const SweepCell& cell,
                                       const SlurmOptions& options) {
    // Fidelity loads the source and the quantized model together, at the fidelity context.
    SweepSpec at_fidelity = spec;
    at_fidelity.ctx_per_sequence = std::max(256, spec.fidelity_ctx);
    at_fidelity.parallel =
        std::string("1");  // (a char* assignment trips a GCC 12 -Wrestrict false positive)
    SweepCell source = cell;
    source.model_path = cell.source_path;
    BIOMEDQ_ASSIGN(CellMemory quantized, estimate_cell_memory(at_fidelity, cell));
    BIOMEDQ_ASSIGN(CellMemory reference, estimate_cell_memory(at_fidelity, source));
    // Quantizing streams tensor by tensor: the largest tensor as f32 (twice its f16 size) and its
    // output.
    BIOMEDQ_ASSIGN(ModelInfo info, read_model_info(cell.source_path));
    std::uint64_t largest = std::max(info.bytes_token_embd, info.bytes_output);
    for (auto b : info.bytes_layer) largest = std::max(largest, b);
    const std::uint64_t quantize_host = 3 * largest;
    JobRequest r;
    const std::uint64_t bytes_gpu = quantized.estimate.bytes_gpu() + reference.estimate.bytes_gpu();
    BIOMEDQ_ASSIGN(r.gpus, gpu_count(options, bytes_gpu));
    if (!spec.fidelity) r.gpus = 0;  // quantizing alone runs on the CPU
    r.bytes_gpu = r.gpus > 0 ? bytes_gpu : 0;
    std::uint64_t host = quantize_host;
    if (spec.fidelity) {
        host = std::max(
            host, host_bytes(quantized.estimate, r.gpus) + host_bytes(reference.estimate, r.gpus));
    }
    r.bytes_memory = round_up_mib(host + kBytesProcessMargin);
    return r;
}

}  // namespace biomedq
