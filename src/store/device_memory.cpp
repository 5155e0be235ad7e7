#include "store/device_memory.h"

#include <map>

namespace biomedq::store {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::uint64_t u64_field(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

}  // namespace

std::string device_of_buffer(const std::string& buffer) {
    if (buffer.rfind("CPU", 0) == 0 || ends_with(buffer, "_Host")) return "host";
    for (const std::string suffix : {"_Mapped", "_REPACK"}) {
        if (ends_with(buffer, suffix)) return buffer.substr(0, buffer.size() - suffix.size());
    }
    return buffer;
}

std::vector<StoredDeviceMemory> device_memory_of(const nlohmann::json& memory) {
    // "host" sorts first: std::map with a key that puts it before every device name.
    std::map<std::pair<bool, std::string>, StoredDeviceMemory> by_device;
    auto entry = [&](const std::string& device) -> StoredDeviceMemory& {
        auto& d = by_device[{device != "host", device}];
        d.device = device;
        return d;
    };
    if (memory.is_object() && memory.contains("buffers") && memory["buffers"].is_array()) {
        for (const auto& b : memory["buffers"]) {
            if (!b.is_object() || !b.contains("buffer") || !b["buffer"].is_string()) continue;
            auto& d = entry(device_of_buffer(b["buffer"].get<std::string>()));
            d.bytes_weights += u64_field(b, "bytes_weights");
            d.bytes_kv += u64_field(b, "bytes_kv");
            d.bytes_compute += u64_field(b, "bytes_compute");
            d.bytes_output += u64_field(b, "bytes_output");
        }
    }
    if (memory.is_object() && memory.contains("devices") && memory["devices"].is_array()) {
        for (const auto& dev : memory["devices"]) {
            if (!dev.is_object() || !dev.contains("name") || !dev["name"].is_string()) continue;
            auto& d = entry(dev["name"].get<std::string>());
            d.bytes_peak_used = u64_field(dev, "bytes_peak_used");
            d.bytes_total = u64_field(dev, "bytes_total");
        }
    }
    std::vector<StoredDeviceMemory> out;
    for (auto& [key, d] : by_device) out.push_back(std::move(d));
    return out;
}

}  // namespace biomedq::store
