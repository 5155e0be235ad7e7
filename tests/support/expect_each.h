// Table-driven checks: each row's input, given to a function, must give the row's output.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace biomedq::test {

// One (input, expected output) per row.
using StringCases = std::vector<std::pair<std::string, std::string>>;

// EXPECT_EQ(f(input), expected) for every row; a failure names the row's input.
template <class F>
void expect_each(const F& f, const StringCases& cases) {
    for (const auto& [input, expected] : cases) EXPECT_EQ(f(input), expected) << "input: " << input;
}

}  // namespace biomedq::test
