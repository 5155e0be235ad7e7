#include <gtest/gtest.h>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

TEST(BioTsvLoader, JoinsTokensAndComputesSpanOffsets) {
    auto dataset = load_fixture("bio_tsv", "bio_good.tsv", {}, "Chemical");
    ASSERT_TRUE(dataset.ok()) << dataset.error().message;
    ASSERT_EQ(dataset->examples.size(), 2u);
    EXPECT_TRUE(dataset->warnings.empty());

    const Example& first = dataset->examples[0];
    EXPECT_EQ(first.id, "0");
    EXPECT_EQ(first.text, "Aspirin reduces acute kidney injury .");
    EXPECT_EQ(first.tokens,
              (std::vector<std::string>{"Aspirin", "reduces", "acute", "kidney", "injury", "."}));
    // "Aspirin" = [0, 7); "Aspirin reduces " is 16 characters, "acute kidney injury" 19.
    EXPECT_EQ(first.spans, (std::vector<Span>{{0, 7, "Chemical"}, {16, 35, "Chemical"}}));
    EXPECT_EQ(first.source, data_fixture("bio_good.tsv") + ":1");

    const Example& second = dataset->examples[1];
    EXPECT_EQ(second.id, "1");
    EXPECT_EQ(second.text, "Zorbex works");
    EXPECT_EQ(second.spans, (std::vector<Span>{{0, 6, "Drug"}}));  // the tag's type wins
    EXPECT_EQ(second.source, data_fixture("bio_good.tsv") + ":8");
}

TEST(BioTsvLoader, ReadsTabLineSeparatorsAndCsvQuotedQuoteToken) {
    // The sample200 layout: a line holding one TAB between sentences, `"` written as `""""`.
    auto dataset = load_fixture("bio_tsv", "bio_tab_separated.tsv");
    ASSERT_TRUE(dataset.ok()) << dataset.error().message;
    ASSERT_EQ(dataset->examples.size(), 2u);
    EXPECT_EQ(dataset->examples[0].text, "He said \" Zorbex \"");
    EXPECT_EQ(dataset->examples[0].spans, (std::vector<Span>{{10, 16, ""}}));
    EXPECT_EQ(dataset->examples[1].text, "Fine");
    EXPECT_TRUE(dataset->examples[1].spans.empty());
}

TEST(BioTsvLoader, IWithoutBIsAnErrorNamingFileLineAndField) {
    EXPECT_EQ(
        error_of(load_fixture("bio_tsv", "bio_i_without_b.tsv")),
        data_fixture("bio_i_without_b.tsv") +
            ": line 3: field \"tag\": \"I\" tag does not continue a mention (no B or I before it)");
}

TEST(BioTsvLoader, IOfAnotherTypeIsAnError) {
    EXPECT_EQ(error_of(load_fixture("bio_tsv", "bio_type_mismatch.tsv")),
              data_fixture("bio_type_mismatch.tsv") +
                  ": line 2: field \"tag\": \"I-Gene\" continues a mention of type \"Drug\"");
}

TEST(BioTsvLoader, WrongColumnCountIsAnError) {
    auto result = load_fixture("bio_tsv", "bio_wrong_columns.tsv");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kParse);
    EXPECT_EQ(result.error().message,
              data_fixture("bio_wrong_columns.tsv") +
                  ": line 2: expected 2 TAB-separated fields (token, tag), found 3");
}

TEST(BioTsvLoader, UnknownTagIsAnError) {
    EXPECT_EQ(
        error_of(load_fixture("bio_tsv", "bio_unknown_tag.tsv")),
        data_fixture("bio_unknown_tag.tsv") +
            ": line 3: field \"tag\": unknown tag \"E\", expected O, B, I, B-<type> or I-<type>");
}

TEST(BioTsvLoader, EmptyFileIsAnError) {
    EXPECT_EQ(error_of(load_fixture("bio_tsv", "empty.txt")),
              data_fixture("empty.txt") + ": no sentences (the file is empty)");
}

TEST(BioTsvLoader, MissingFileIsNotFound) {
    auto result = load_fixture("bio_tsv", "no_such_file.tsv");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace biomedq::test
