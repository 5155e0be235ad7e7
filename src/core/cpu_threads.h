// How many CPU threads biomedq uses when the user does not say (--threads 0).
#pragma once

#include <optional>
#include <string>

namespace biomedq {

// The default worker count: BIOMEDQ_THREADS when it is set to a positive integer, otherwise the
// CPUs this process may really use. That is the smaller of its CPU affinity set and its cgroup CPU
// quota: a container limited to 2 CPUs on a 64-core host must not start 64 threads, because
// llama.cpp's threads spin at a barrier for every graph node and an oversubscribed decode runs
// 10-100x slower.
int default_thread_count();

// The pieces, exposed for tests. Each returns nullopt when the limit does not apply or is
// unreadable.
std::optional<int> cpus_in_affinity_set();
// cgroup v2 `cpu.max` ("max 100000" or "200000 100000") or v1 cfs quota/period, rounded up.
std::optional<int> cpus_in_cgroup_quota(const std::string& cgroup_root = "/sys/fs/cgroup");
// Parses a cgroup v2 cpu.max line; nullopt for "max" or malformed text.
std::optional<int> cpus_from_cpu_max(const std::string& text);

}  // namespace biomedq
