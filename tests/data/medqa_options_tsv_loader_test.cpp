#include <gtest/gtest.h>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

using Options = std::vector<std::pair<std::string, std::string>>;

// An example of medqa5_good.tsv: its fields, its one gold label and the line it starts on.
void expect_example(const Example& e, const std::string& id, const std::string& question,
                    const Options& options, const std::string& label, int line) {
    EXPECT_EQ(e.id, id);
    EXPECT_EQ(e.question, question);
    EXPECT_EQ(e.options, options);
    EXPECT_EQ(e.labels, (std::vector<std::string>{label}));
    EXPECT_EQ(e.source, data_fixture("medqa5_good.tsv") + ":" + std::to_string(line));
}

TEST(MedqaOptionsTsvLoader, ReadsQuotedMultiLineQuestionsAndPythonOptionLists) {
    ASSERT_LOADS(dataset, "medqa_options_tsv", "medqa5_good.tsv", {"A", "B", "C", "D", "E"});
    ASSERT_EQ(dataset.examples.size(), 2u);
    expect_example(
        dataset.examples[0], "0", "Which invented drug treats the invented fever?",
        {{"A", "Aspirin"}, {"B", "Zorbex"}, {"C", "Heparin"}, {"D", "Insulin"}, {"E", "Quinol"}},
        "B", 2);
    expect_example(
        dataset.examples[1], "7",
        // CSV quoting: the field spans three lines and doubles its inner quotes.
        "A patient's labs:\nSodium 140 mEq/L\nWhat is the \"best\" next step?",
        // Python literal inside the CSV field: a double-quoted item holding ', and a \n escape.
        {{"A", "Scan"},
         {"B", "Bartter's test"},
         {"C", "Biopsy"},
         {"D", "Surgery"},
         {"E", "Wait\n\""}},
        "E", 3);
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
