#include "core/cpu_threads.h"

#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace biomedq {
namespace {

std::optional<long long> read_single_number(const std::string& path) {
    std::ifstream in(path);
    long long value = 0;
    if (!(in >> value)) return std::nullopt;
    return value;
}

std::optional<int> positive_int(const char* text) {
    if (text == nullptr || *text == '\0') return std::nullopt;
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (*end != '\0' || value <= 0 || value > 4096) return std::nullopt;
    return static_cast<int>(value);
}

int ceil_div(long long quota, long long period) {
    return static_cast<int>((quota + period - 1) / period);
}

}  // namespace

std::optional<int> cpus_from_cpu_max(const std::string& text) {
    std::istringstream in(text);
    std::string quota_text;
    long long period = 0;
    if (!(in >> quota_text >> period) || period <= 0 || quota_text == "max") return std::nullopt;
    char* end = nullptr;
    const long long quota = std::strtoll(quota_text.c_str(), &end, 10);
    if (*end != '\0' || quota <= 0) return std::nullopt;
    return std::max(1, ceil_div(quota, period));
}

std::optional<int> cpus_in_affinity_set() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return std::nullopt;
    const int n = CPU_COUNT(&set);
    return n > 0 ? std::optional<int>(n) : std::nullopt;
}

std::optional<int> cpus_in_cgroup_quota(const std::string& cgroup_root) {
    // cgroup v2: one file at the root of the (namespaced) hierarchy.
    std::ifstream v2(cgroup_root + "/cpu.max");
    if (v2) {
        std::string line;
        std::getline(v2, line);
        return cpus_from_cpu_max(line);
    }
    // cgroup v1: quota -1 means unlimited.
    const auto quota = read_single_number(cgroup_root + "/cpu/cpu.cfs_quota_us");
    const auto period = read_single_number(cgroup_root + "/cpu/cpu.cfs_period_us");
    if (!quota || !period || *quota <= 0 || *period <= 0) return std::nullopt;
    return std::max(1, ceil_div(*quota, *period));
}

int default_thread_count() {
    if (const auto forced = positive_int(std::getenv("BIOMEDQ_THREADS"))) return *forced;
    int n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (const auto affinity = cpus_in_affinity_set()) n = std::min(n, *affinity);
    if (const auto quota = cpus_in_cgroup_quota()) n = std::min(n, *quota);
    return std::max(1, n);
}

}  // namespace biomedq
