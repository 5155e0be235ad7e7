#include <gtest/gtest.h>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

using Options = std::vector<std::pair<std::string, std::string>>;

TEST(MedqaOptionsTsvLoader, ReadsQuotedMultiLineQuestionsAndPythonOptionLists) {
    ASSERT_LOADS(dataset, "medqa_options_tsv", "medqa5_good.tsv", {"A", "B", "C", "D", "E"});
    ASSERT_EQ(dataset.examples.size(), 2u);
    const Example& first = dataset.examples[0];
    EXPECT_EQ(first.id, "0");
    EXPECT_EQ(first.question, "Which invented drug treats the invented fever?");
    EXPECT_EQ(first.options, (Options{{"A", "Aspirin"},
                                      {"B", "Zorbex"},
                                      {"C", "Heparin"},
                                      {"D", "Insulin"},
                                      {"E", "Quinol"}}));
    EXPECT_EQ(first.labels, (std::vector<std::string>{"B"}));
    EXPECT_EQ(first.source, data_fixture("medqa5_good.tsv") + ":2");
    const Example& second = dataset.examples[1];
    EXPECT_EQ(second.id, "7");
    // CSV quoting: the field spans three lines and doubles its inner quotes.
    EXPECT_EQ(second.question,
              "A patient's labs:\nSodium 140 mEq/L\nWhat is the \"best\" next step?");
    // Python literal inside the CSV field: a double-quoted item holding ', and a \n escape.
    EXPECT_EQ(second.options, (Options{{"A", "Scan"},
                                       {"B", "Bartter's test"},
                                       {"C", "Biopsy"},
                                       {"D", "Surgery"},
                                       {"E", "Wait\n\""}}));
    EXPECT_EQ(second.labels, (std::vector<std::string>{"E"}));
    EXPECT_EQ(second.source, data_fixture("medqa5_good.tsv") + ":3");
}

TEST(MedqaOptionsTsvLoader, MalformedOptionsLiteralNamesLineAndField) {
    const std::string message =
        error_of(load_fixture("medqa_options_tsv", "medqa5_bad_options.tsv"));
    EXPECT_TRUE(message.starts_with(data_fixture("medqa5_bad_options.tsv") +
                                    ": line 3: field \"options\": "))
        << message;
    EXPECT_NE(message.find("expected ',' or '}'"), std::string::npos) << message;
}

TEST(MedqaOptionsTsvLoader, UnclosedQuoteNamesTheLineWhereTheRecordStarts) {
    const std::string message =
        error_of(load_fixture("medqa_options_tsv", "medqa5_unclosed_quote.tsv"));
    EXPECT_EQ(message, data_fixture("medqa5_unclosed_quote.tsv") +
                           ": line 2: a quoted field has no closing quote");
}

TEST(MedqaOptionsTsvLoader, RealFiveOptionSetsLoadWithFiveOptionsEach) {
    const auto dir = shared_data_dir() / "MedQA" / "5options";
    if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no 5-option MedQA at " << dir;
    for (const auto& [file, expected] :
         {std::pair{"test.tsv", 1273u}, std::pair{"dev.tsv", 1272u}}) {
        DataSource source{
            "medqa_options_tsv", (dir / file).string(), "", {"A", "B", "C", "D", "E"}, ""};
        auto dataset = load_dataset(source);
        ASSERT_TRUE(dataset.ok()) << dataset.error().message;
        EXPECT_EQ(dataset->examples.size(), expected) << file;
        for (const auto& ex : dataset->examples) {
            ASSERT_EQ(ex.options.size(), 5u) << file << " " << ex.source;
            EXPECT_EQ(ex.options.front().first, "A");
            EXPECT_EQ(ex.options.back().first, "E");
        }
    }
}

}  // namespace
}  // namespace biomedq::test
