#include "runner/environment.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "biomedq/build_info.h"

namespace biomedq::runner {
namespace {

std::string first_line_with(const std::string& path, const std::string& prefix) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (prefix.empty() || line.rfind(prefix, 0) == 0) return line;
    }
    return "";
}

}  // namespace

nlohmann::json describe_environment(const std::vector<DeviceMemory>& devices) {
    nlohmann::json env;
    env["biomedq_version"] = build_info::kVersion;
    env["llama_cpp"] = {{"tag", build_info::kLlamaCppTag},
                        {"commit", build_info::kLlamaCppCommit},
                        {"node_llama_cpp", build_info::kNodeLlamaCppVersion},
                        {"backend", build_info::kLlamaBackend}};
    // The libraries found at run time may be another build of the same pinned llama.cpp (e.g. the
    // CUDA build on a GPU machine); the devices ggml reports are the truth.
    if (!devices.empty()) env["llama_cpp"]["backend"] = "gpu: " + devices.front().name;
    char host[256] = {};
    ::gethostname(host, sizeof(host) - 1);
    env["host"] = host;
    std::string cpu = first_line_with("/proc/cpuinfo", "model name");
    if (auto colon = cpu.find(':'); colon != std::string::npos) cpu = cpu.substr(colon + 2);
    env["cpu"] = cpu;
    env["cpu_threads"] = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
    env["devices"] = nlohmann::json::array();
    for (const auto& d : devices) {
        env["devices"].push_back(
            {{"name", d.name}, {"description", d.description}, {"bytes_total", d.bytes_total}});
    }
    const std::string driver = first_line_with("/proc/driver/nvidia/version", "NVRM");
    env["gpu_driver"] = driver.empty() ? nlohmann::json() : nlohmann::json(driver);
    return env;
}

std::uint64_t host_peak_rss_bytes() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

std::uint64_t host_available_bytes() {
    const std::string line = first_line_with("/proc/meminfo", "MemAvailable:");
    if (line.empty()) return 0;
    return std::stoull(line.substr(line.find(':') + 1)) * 1024;
}

}  // namespace biomedq::runner
