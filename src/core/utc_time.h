// The one spelling of a wall-clock timestamp in results, sweep files and reports.
#pragma once

#include <ctime>
#include <string>

namespace biomedq {

// "2026-11-30T06:24:32Z" (ISO 8601, UTC, whole seconds).
std::string utc_timestamp(std::time_t when);
std::string utc_timestamp_now();

}  // namespace biomedq
