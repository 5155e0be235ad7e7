#include <gtest/gtest.h>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

using Options = std::vector<std::pair<std::string, std::string>>;

TEST(MedqaJsonlLoader, ReadsQuestionOptionsInKeyOrderAndAnswer) {
    ASSERT_LOADS(dataset, "medqa_jsonl", "medqa_good.jsonl", {"A", "B", "C", "D"});
    ASSERT_EQ(dataset.examples.size(), 2u);
    const Example& first = dataset.examples[0];
    EXPECT_EQ(first.id, "0");
    EXPECT_EQ(first.question, "Which drug is invented?");
    EXPECT_EQ(first.options,
              (Options{{"A", "Aspirin"}, {"B", "Zorbex"}, {"C", "Heparin"}, {"D", "Insulin"}}));
    EXPECT_EQ(first.labels, (std::vector<std::string>{"B"}));
    EXPECT_EQ(dataset.examples[1].id, "1");
    EXPECT_EQ(dataset.examples[1].options, (Options{{"A", "yes"}, {"B", "no"}}));
    EXPECT_EQ(dataset.examples[1].source, data_fixture("medqa_good.jsonl") + ":2");
}

TEST(MedqaJsonlLoader, BadJsonNamesLine) {
    const std::string message = error_of(load_fixture("medqa_jsonl", "medqa_bad_json.jsonl"));
    EXPECT_TRUE(
        message.starts_with(data_fixture("medqa_bad_json.jsonl") + ": line 2: invalid JSON: "))
        << message;
}

}  // namespace
}  // namespace biomedq::test
