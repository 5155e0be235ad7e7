#include "backends/retry_after.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

namespace biomedq::backends {

std::optional<double> parse_retry_after(const std::string& value, std::time_t now) {
    if (value.empty()) return std::nullopt;
    if (std::all_of(value.begin(), value.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        // delta-seconds; anything beyond a day is as good as "a day" to every caller (they cap far
        // lower), and stopping there keeps the conversion clear of overflow for a 400-digit header.
        double seconds = 0;
        for (char c : value) {
            seconds = seconds * 10 + (c - '0');
            if (seconds > 86400) return 86400.0;
        }
        return seconds;
    }
    // Every HTTP-date names its day and month; curl_getdate alone would also take "-5" or "1.5" (as
    // a zone or a time of day), which are neither form.
    if (std::none_of(value.begin(), value.end(),
                     [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) {
        return std::nullopt;
    }
    // curl_getdate reads the three HTTP-date forms (and a few more); -1 means it could not.
    const std::time_t when = curl_getdate(value.c_str(), nullptr);
    if (when == -1) return std::nullopt;
    return when > now ? static_cast<double>(when - now) : 0.0;
}

}  // namespace biomedq::backends
