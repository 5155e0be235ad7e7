// Where a run ran: versions, host, CPU, GPUs and driver, for results.json.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "biomedq/engine.h"

namespace biomedq::runner {

nlohmann::json describe_environment(const std::vector<DeviceMemory>& devices);

// Peak resident set size of this process, in bytes.
std::uint64_t host_peak_rss_bytes();

// MemAvailable from /proc/meminfo, in bytes (0 when unknown).
std::uint64_t host_available_bytes();

}  // namespace biomedq::runner
