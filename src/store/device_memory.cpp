#include "store/device_memory.h"

#include <map>

namespace biomedq::store {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string device_of_buffer(const std::string& buffer) {
    if (buffer.rfind("CPU", 0) == 0 || ends_with(buffer, "_Host")) return "host";
    for (const std::string suffix : {"_Mapped", "_REPACK"}) {
        if (ends_with(buffer, suffix)) return buffer.substr(0, buffer.size() - suffix.size());
    }
    return buffer;
}

std::vector<StoredDeviceMemory> device_memory_of(const MemoryRecord& memory) {
    // "host" sorts first: std::map with a key that puts it before every device name.
    std::map<std::pair<bool, std::string>, StoredDeviceMemory> by_device;
    auto entry = [&](const std::string& device) -> StoredDeviceMemory& {
        auto& d = by_device[{device != "host", device}];
        d.device = device;
        return d;
    };
    for (const auto& b : memory.buffers) {
        if (b.buffer.empty()) continue;
        auto& d = entry(device_of_buffer(b.buffer));
        d.bytes_weights += b.bytes_weights;
        d.bytes_kv += b.bytes_kv;
        d.bytes_compute += b.bytes_compute;
        d.bytes_output += b.bytes_output;
    }
    for (const auto& dev : memory.devices) {
        if (dev.name.empty()) continue;
        auto& d = entry(dev.name);
        d.bytes_peak_used = dev.bytes_peak_used;
        d.bytes_total = dev.bytes_total;
    }
    std::vector<StoredDeviceMemory> out;
    for (auto& [key, d] : by_device) out.push_back(std::move(d));
    return out;
}

}  // namespace biomedq::store
