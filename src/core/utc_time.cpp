#include "core/utc_time.h"

#include <fmt/chrono.h>

#include <chrono>

namespace biomedq {

std::string utc_timestamp(std::time_t when) {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(when));
}

std::string utc_timestamp_now() {
    return utc_timestamp(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
}

}  // namespace biomedq
