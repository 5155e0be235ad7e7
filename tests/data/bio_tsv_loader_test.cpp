#include <gtest/gtest.h>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

TEST(BioTsvLoader, JoinsTokensAndComputesSpanOffsets) {
    ASSERT_LOADS(dataset, "bio_tsv", "bio_good.tsv", {}, "Chemical");
    ASSERT_EQ(dataset.examples.size(), 2u);
    EXPECT_TRUE(dataset.warnings.empty());

    const Example& first = dataset.examples[0];
    EXPECT_EQ(first.id, "0");
    EXPECT_EQ(first.text, "Aspirin reduces acute kidney injury .");
    EXPECT_EQ(first.tokens,
              (std::vector<std::string>{"Aspirin", "reduces", "acute", "kidney", "injury", "."}));
    // "Aspirin" = [0, 7); "Aspirin reduces " is 16 characters, "acute kidney injury" 19.
    EXPECT_EQ(first.spans, (std::vector<Span>{{0, 7, "Chemical"}, {16, 35, "Chemical"}}));
    EXPECT_EQ(first.source, data_fixture("bio_good.tsv") + ":1");

    const Example& second = dataset.examples[1];
    EXPECT_EQ(second.id, "1");
    EXPECT_EQ(second.text, "Zorbex works");
    EXPECT_EQ(second.spans, (std::vector<Span>{{0, 6, "Drug"}}));  // the tag's type wins
    EXPECT_EQ(second.source, data_fixture("bio_good.tsv") + ":8");
}

TEST(BioTsvLoader, ReadsTabLineSeparatorsAndCsvQuotedQuoteToken) {
    // The sample200 layout: a line holding one TAB between sentences, `"` written as `""""`.
    ASSERT_LOADS(dataset, "bio_tsv", "bio_tab_separated.tsv");
    ASSERT_EQ(dataset.examples.size(), 2u);
    EXPECT_EQ(dataset.examples[0].text, "He said \" Zorbex \"");
    EXPECT_EQ(dataset.examples[0].spans, (std::vector<Span>{{10, 16, ""}}));
    EXPECT_EQ(dataset.examples[1].text, "Fine");
    EXPECT_TRUE(dataset.examples[1].spans.empty());
}

}  // namespace
}  // namespace biomedq::test
