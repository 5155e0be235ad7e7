// Checks that rendered text (a report, a command's output) holds the lines it must: several at
// once, each failure naming the missing part and showing the whole text.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>

namespace biomedq::test {

// EXPECT that every one of `parts` appears in `text`.
inline void expect_contains(const std::string& text,
                            std::initializer_list<std::string_view> parts) {
    for (const std::string_view part : parts) {
        EXPECT_NE(text.find(part), std::string::npos) << "missing: " << part << "\nin:\n" << text;
    }
}

}  // namespace biomedq::test
