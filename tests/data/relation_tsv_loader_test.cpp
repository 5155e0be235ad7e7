#include <gtest/gtest.h>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

const std::vector<std::string> kDdiLabels = {"DDI-mechanism", "DDI-effect", "DDI-advise", "DDI-int",
                                             "DDI-false"};

TEST(RelationTsvLoader, SkipsHeaderStripsCrlfAndUnquotesCsvFields) {
    auto dataset = load_fixture("relation_tsv", "relation_good.tsv", kDdiLabels);
    ASSERT_TRUE(dataset.ok()) << dataset.error().message;
    ASSERT_EQ(dataset->examples.size(), 2u);
    EXPECT_EQ(dataset->examples[0].id, "r1");
    EXPECT_EQ(dataset->examples[0].text, "@DRUG$ raises @DRUG$ levels.");
    EXPECT_EQ(dataset->examples[0].labels, (std::vector<std::string>{"DDI-mechanism"}));
    EXPECT_EQ(dataset->examples[0].source, data_fixture("relation_good.tsv") + ":2");
    EXPECT_EQ(dataset->examples[1].text, "The \"so-called\" @DRUG$ and @DRUG$.");
    EXPECT_EQ(dataset->examples[1].labels, (std::vector<std::string>{"DDI-false"}));
}

TEST(RelationTsvLoader, UnknownLabelNamesLineAndAllowedLabels) {
    EXPECT_EQ(error_of(load_fixture("relation_tsv", "relation_unknown_label.tsv", kDdiLabels)),
              data_fixture("relation_unknown_label.tsv") +
                  ": line 3: field \"label\": unknown label \"DDI-bogus\", expected one of: "
                  "DDI-mechanism, DDI-effect, DDI-advise, DDI-int, DDI-false");
}

TEST(RelationTsvLoader, WithoutLabelSetAnyLabelLoads) {
    auto dataset = load_fixture("relation_tsv", "relation_unknown_label.tsv");
    ASSERT_TRUE(dataset.ok()) << dataset.error().message;
    EXPECT_EQ(dataset->examples[1].labels, (std::vector<std::string>{"DDI-bogus"}));
}

TEST(RelationTsvLoader, WrongColumnCountIsAnError) {
    EXPECT_EQ(error_of(load_fixture("relation_tsv", "relation_wrong_columns.tsv")),
              data_fixture("relation_wrong_columns.tsv") +
                  ": line 1: expected 3 TAB-separated fields (index, sentence, label), found 2");
}

TEST(RelationTsvLoader, UnterminatedQuoteIsAnError) {
    EXPECT_EQ(error_of(load_fixture("relation_tsv", "relation_bad_quote.tsv")),
              data_fixture("relation_bad_quote.tsv") +
                  ": line 1: field \"sentence\": CSV-quoted field has no closing quote");
}

TEST(RelationTsvLoader, EmptyFileIsAnError) {
    EXPECT_EQ(error_of(load_fixture("relation_tsv", "empty.txt")),
              data_fixture("empty.txt") + ": no rows (the file is empty)");
}

}  // namespace
}  // namespace biomedq::test
