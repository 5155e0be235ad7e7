// Checks on a failed Result: its code and its whole message, the text a user reads.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "biomedq/result.h"

namespace biomedq::test {

// `result` failed with `code` and exactly `message`.
template <class R>
void expect_error(const R& result, ErrorCode code, const std::string& message) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, code);
    EXPECT_EQ(result.error().message, message);
}

}  // namespace biomedq::test
