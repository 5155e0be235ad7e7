#include "runner/device_overhead.h"

namespace biomedq::runner {

std::vector<DeviceOverhead> device_overheads(const std::vector<BufferMemory>& buffers,
                                             const std::vector<DeviceMemory>& devices) {
    std::vector<DeviceOverhead> out;
    for (const auto& d : devices) {
        DeviceOverhead o;
        o.device = d.name;
        o.description = d.description;
        for (const auto& b : buffers) {
            if (b.buffer == d.name)
                o.bytes_buffers += b.bytes_weights + b.bytes_kv + b.bytes_compute + b.bytes_output;
        }
        // Readings of 0 mean the device reported nothing (e.g. a backend without a memory query).
        if (d.bytes_total > 0) {
            const std::uint64_t free_min = std::min(d.bytes_free_min, d.bytes_free_before_load);
            o.bytes_in_use_peak = d.bytes_total > free_min ? d.bytes_total - free_min : 0;
            o.bytes_in_use_at_load = d.bytes_total > d.bytes_free_before_load
                                         ? d.bytes_total - d.bytes_free_before_load
                                         : 0;
        }
        o.bytes_device_overhead =
            o.bytes_in_use_peak > o.bytes_buffers ? o.bytes_in_use_peak - o.bytes_buffers : 0;
        o.bytes_run_growth = o.bytes_device_overhead > o.bytes_in_use_at_load
                                 ? o.bytes_device_overhead - o.bytes_in_use_at_load
                                 : 0;
        out.push_back(std::move(o));
    }
    return out;
}

std::string no_device_overhead_reason(const std::vector<DeviceMemory>& devices) {
    if (!devices.empty()) return {};
    return "no GPU device in this process (CPU-only llama.cpp build, or none visible): host memory "
           "only, "
           "no device runtime overhead";
}

}  // namespace biomedq::runner
