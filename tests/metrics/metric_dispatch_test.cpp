#include <gtest/gtest.h>

#include <cmath>

#include "metric_test_helpers.h"

namespace biomedq {
namespace {

using test::gold_labels;
using test::gold_spans;
using test::pred_labels;
using test::pred_spans;

TEST(MetricDispatch, UnknownNameSuggestsClosest) {
    const std::vector<Gold> gold = {gold_labels({"a"})};
    const std::vector<Prediction> pred = {pred_labels({"a"})};
    auto result = compute_metrics({"accuracy", "macro_f"}, gold, pred, MetricOptions{});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(
        result.error().message.rfind("unknown metric \"macro_f\" (did you mean \"macro_f1\"?); "
                                     "known metrics: [ner_strict_precision, ",
                                     0),
        0u)
        << result.error().message;
}

// Every advertised name dispatches; values come back in the order asked for. Perfect predictions
// score 1, but the CI may reach 0: a resample holding only example 2 has no positive-class or span
// counts at all, and zero_division=0 scores that 0.
TEST(MetricDispatch, EveryKnownMetricComputesInRequestedOrder) {
    ASSERT_EQ(known_metrics().size(), 17u);
    const std::vector<Gold> gold = {Gold{{"pos"}, {{0, 3, "Chem"}}}, Gold{{"neg"}, {}}};
    const std::vector<Prediction> pred = {Prediction{true, {"pos"}, {{0, 3, "Chem"}}, {}},
                                          Prediction{true, {"neg"}, {}, {}}};
    MetricOptions options;
    options.negative_label = "neg";
    options.bootstrap_resamples = 10;
    std::vector<std::string> names(known_metrics().rbegin(), known_metrics().rend());
    auto values = compute_metrics(names, gold, pred, options);
    ASSERT_TRUE(values.ok()) << values.error().message;
    ASSERT_EQ(values->size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        EXPECT_EQ((*values)[i].name, names[i]);
        EXPECT_DOUBLE_EQ((*values)[i].value, 1.0) << names[i];
        EXPECT_GE((*values)[i].ci_low, 0.0) << names[i];
        EXPECT_DOUBLE_EQ((*values)[i].ci_high, 1.0) << names[i];
    }
}

TEST(MetricDispatch, SizeMismatchAndEmptyInputAreErrors) {
    const std::vector<Gold> gold = {gold_labels({"a"}), gold_labels({"b"})};
    const std::vector<Prediction> pred = {pred_labels({"a"})};
    auto mismatch = compute_metrics({"accuracy"}, gold, pred, MetricOptions{});
    ASSERT_FALSE(mismatch.ok());
    EXPECT_EQ(mismatch.error().message,
              "compute_metrics: gold has 2 examples but predictions have 1; expected one "
              "prediction per gold example");
    auto empty = compute_metrics({"accuracy"}, {}, {}, MetricOptions{});
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().message,
              "compute_metrics: no examples to score; expected at least one");
}

TEST(MetricDispatch, ExampleScoreUnknownTaskKindIsNan) {
    EXPECT_TRUE(std::isnan(example_score("summarization", gold_spans({}), pred_spans({}))));
    EXPECT_EQ(known_task_kinds(), (std::vector<std::string>{"ner", "relation", "multilabel", "mcqa",
                                                            "classification"}));
}

}  // namespace
}  // namespace biomedq
