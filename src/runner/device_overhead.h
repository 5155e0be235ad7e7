// The device runtime overhead of one run (issue 15): memory the driver shows in use on a GPU beyond
// llama.cpp's own buffers there -- this process's CUDA context, cuBLAS workspaces, ggml-cuda's
// scratch pool, CUDA graphs, and whatever other processes held. "Fits in N GiB" has to be judged
// against the driver, so every run records it per device; the eval runner also keeps the last one
// per device model in the cache that simulate_memory reads (record_device_run_growth).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "biomedq/engine.h"

namespace biomedq::runner {

struct DeviceOverhead {
    std::string device;               // ggml device name, "CUDA0"
    std::string description;          // "NVIDIA H200"
    std::uint64_t bytes_buffers = 0;  // llama.cpp's buffers on the device (weights, KV, compute)
    std::uint64_t bytes_in_use_peak = 0;  // total - least free memory seen during the run
    std::uint64_t bytes_in_use_at_load =
        0;  // total - free before the first buffer (context + others)
    // bytes_in_use_peak - bytes_buffers: what the driver shows beyond the buffers.
    std::uint64_t bytes_device_overhead = 0;
    // The part that appears only once the run computes (bytes_device_overhead -
    // bytes_in_use_at_load): scratch pools and library workspaces, which a no-alloc simulation
    // cannot see.
    std::uint64_t bytes_run_growth = 0;
};

// Per GPU device the run saw (RPC servers are not in `devices`: their memory is the remote
// machine's). A buffer belongs to a device when its llama.cpp buffer name is the device's name
// ("CUDA0"); host-pinned buffers ("CUDA_Host") are host memory.
std::vector<DeviceOverhead> device_overheads(const std::vector<BufferMemory>& buffers,
                                             const std::vector<DeviceMemory>& devices);

// Why a run has no device overhead (no GPU device in this process), or empty when it has one.
std::string no_device_overhead_reason(const std::vector<DeviceMemory>& devices);

}  // namespace biomedq::runner
