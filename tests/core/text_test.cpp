#include "core/text.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "core/utc_time.h"

namespace biomedq {
namespace {

TEST(Text, LowerCaseIsAsciiOnly) {
    EXPECT_EQ(text::to_lower("Q4_K_M GiB"), "q4_k_m gib");
    EXPECT_EQ(text::to_lower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");  // "ÉTÉ": only the T folds
    EXPECT_EQ(text::to_lower('Z'), 'z');
    EXPECT_EQ(text::to_lower('['), '[');
}

TEST(Text, JoinPutsTheSeparatorBetweenItems) {
    EXPECT_EQ(text::join(std::vector<std::string>{}, ", "), "");
    EXPECT_EQ(text::join(std::vector<std::string>{"a"}, ", "), "a");
    EXPECT_EQ(text::join(std::vector<std::string>{"a", "", "c"}, "; "), "a; ; c");
    EXPECT_EQ(text::join(std::set<std::string>{"b", "a"}, " "), "a b");
}

TEST(Text, ReplaceCharsReplacesOnlyListedCharacters) {
    EXPECT_EQ(text::replace_chars("a<b>&c", {{'<', "&lt;"}, {'>', "&gt;"}}), "a&lt;b&gt;&c");
    EXPECT_EQ(text::replace_chars("", {{'<', "&lt;"}}), "");
    EXPECT_EQ(text::replace_chars("x\ny", {{'\n', ""}}), "xy");
}

TEST(UtcTime, TimestampIsIsoUtc) {
    EXPECT_EQ(utc_timestamp(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(utc_timestamp(1796020000), "2026-11-30T06:26:40Z");
    EXPECT_EQ(utc_timestamp_now().size(), 20u);
}

}  // namespace
}  // namespace biomedq
