// Groups a run's llama.cpp buffers by the device that holds them, for the store's run_devices
// table.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "biomedq/record.h"
#include "biomedq/store.h"

namespace biomedq::store {

// The device a llama.cpp buffer lives on: "host" for CPU-side buffers (CPU, CPU_Mapped, CPU_REPACK,
// CUDA_Host, ...); otherwise the buffer name without a "_Mapped"/"_REPACK" suffix ("CUDA1",
// "RPC0[10.0.0.2:50052]").
std::string device_of_buffer(const std::string& buffer);

// From results.json "memory": buffers summed per device, joined with the driver's readings
// (memory.devices, by name). "host" first, then devices by name; empty when the run has no buffers.
std::vector<StoredDeviceMemory> device_memory_of(const MemoryRecord& memory);

}  // namespace biomedq::store
