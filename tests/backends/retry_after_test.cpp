// Retry-After in both of its forms (RFC 9110 10.2.3), and what is not one.
#include "backends/retry_after.h"

#include <gtest/gtest.h>

namespace biomedq::backends {
namespace {

// Sun, 06 Nov 1994 08:49:37 GMT, the RFC's example date.
constexpr std::time_t kNow = 784111777;

TEST(RetryAfter, SecondsAreTakenAsGiven) {
    EXPECT_EQ(parse_retry_after("8", kNow), 8.0);
    EXPECT_EQ(parse_retry_after("0", kNow), 0.0);
    EXPECT_EQ(parse_retry_after("120", kNow), 120.0);
    // Absurd values stop at a day instead of overflowing; the scheduler caps far lower.
    EXPECT_EQ(parse_retry_after("999999999999999999999999999999", kNow), 86400.0);
}

TEST(RetryAfter, EachHttpDateFormGivesTheSecondsUntilThen) {
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:45 GMT", kNow), 8.0);   // IMF-fixdate
    EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:45 GMT", kNow), 8.0);  // RFC 850
    EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:45 1994", kNow), 8.0);        // asctime
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", kNow), 120.0);
}

TEST(RetryAfter, ADateInThePastMeansNow) {
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", kNow), 0.0);
}

TEST(RetryAfter, AnythingElseIsNotARetryAfter) {
    for (const char* value :
         {"", "soon", "-5", "1.5", "8 seconds please", "Blursday, 99 Foo 1994"}) {
        EXPECT_FALSE(parse_retry_after(value, kNow).has_value()) << value;
    }
}

}  // namespace
}  // namespace biomedq::backends
