// The Retry-After header of a 429 or 503 reply (RFC 9110 section 10.2.3): either a number of
// seconds or an HTTP-date. A server that asks us to come back later is telling us when it will
// answer again; retrying sooner only earns more refusals.
#pragma once

#include <ctime>
#include <optional>
#include <string>

namespace biomedq::backends {

// Seconds to wait from `now` (Unix time), never negative: "120" -> 120, an HTTP-date in any of the
// three RFC forms ("Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
// "Sun Nov  6 08:49:37 1994") -> seconds until then, 0 when it is past. nullopt when the value is
// neither (the caller then backs off as for any server error). Not bounded here: the caller caps
// it.
std::optional<double> parse_retry_after(const std::string& value, std::time_t now);

}  // namespace biomedq::backends
