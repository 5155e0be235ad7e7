#include <gtest/gtest.h>

#include "metric_test_helpers.h"

namespace biomedq {
namespace {

using test::gold_labels;
using test::invalid_labels;
using test::pred_labels;

// n examples with gold "yes"; a run answers "yes" on examples where `correct(i)` holds.
struct Runs {
    std::vector<Gold> gold;
    std::vector<Prediction> a, b;
};

template <typename CorrectA, typename CorrectB>
Runs make_runs(std::size_t n, CorrectA correct_a, CorrectB correct_b) {
    Runs runs;
    for (std::size_t i = 0; i < n; ++i) {
        runs.gold.push_back(gold_labels({"yes"}));
        runs.a.push_back(pred_labels({correct_a(i) ? "yes" : "no"}));
        runs.b.push_back(correct_b(i) ? pred_labels({"yes"}) : invalid_labels({}));
    }
    return runs;
}

TEST(PairedBootstrap, IdenticalRunsGiveZeroDifferenceAndPOne) {
    const Runs runs = make_runs(
        100, [](std::size_t i) { return i % 3 != 0; }, [](std::size_t i) { return i % 3 != 0; });
    auto result = paired_bootstrap("accuracy", runs.gold, runs.a, runs.a, MetricOptions{});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result->metric, "accuracy");
    EXPECT_DOUBLE_EQ(result->value_a, 0.66);  // 66 of 100 have i % 3 != 0
    EXPECT_DOUBLE_EQ(result->value_b, 0.66);
    EXPECT_DOUBLE_EQ(result->difference, 0.0);
    EXPECT_DOUBLE_EQ(result->ci_low, 0.0);
    EXPECT_DOUBLE_EQ(result->ci_high, 0.0);
    EXPECT_DOUBLE_EQ(result->p_value, 1.0);  // min(1, 2 (1 + 1000) / 1001)
}

// A is always right; B fails (invalid output) on every 10th-ish example: 60 of 200 -> accuracy 0.7.
// Every resample has d_r < 0 (a resample without any of the 60 failures has probability
// 0.7^200 ~ 1e-31), so #{d_r >= 0} = 0 and p = 2 (0 + 1) / 1001.
TEST(PairedBootstrap, ClearlyWorseRunIsSignificant) {
    const Runs runs = make_runs(
        200, [](std::size_t) { return true; }, [](std::size_t i) { return i % 10 >= 3; });
    auto result = paired_bootstrap("accuracy", runs.gold, runs.a, runs.b, MetricOptions{});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_DOUBLE_EQ(result->value_a, 1.0);
    EXPECT_DOUBLE_EQ(result->value_b, 0.7);
    EXPECT_NEAR(result->difference, -0.3, 1e-15);
    EXPECT_LT(result->ci_high, 0.0);
    EXPECT_LT(result->ci_low, result->difference);
    EXPECT_DOUBLE_EQ(result->p_value, 2.0 / 1001.0);
    EXPECT_LT(result->p_value, 0.05);
}

// A right on the first half, B on the second: same accuracy, disagreeing on every example. The
// resampled difference is symmetric around 0, so the test must not call it significant.
TEST(PairedBootstrap, EqualButDifferentRunsAreNotSignificant) {
    const Runs runs = make_runs(
        100, [](std::size_t i) { return i < 50; }, [](std::size_t i) { return i >= 50; });
    auto result = paired_bootstrap("accuracy", runs.gold, runs.a, runs.b, MetricOptions{});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_DOUBLE_EQ(result->difference, 0.0);
    EXPECT_LT(result->ci_low, 0.0);
    EXPECT_GT(result->ci_high, 0.0);
    EXPECT_GT(result->p_value, 0.5);
}

// Same seed -> same resamples: paired_bootstrap's value_b CI would equal compute_metrics' CI, and a
// second call reproduces the p-value and interval exactly.
TEST(PairedBootstrap, ReproducibleForFixedSeed) {
    const Runs runs = make_runs(
        150, [](std::size_t i) { return i % 4 != 0; }, [](std::size_t i) { return i % 5 != 0; });
    auto first = paired_bootstrap("accuracy", runs.gold, runs.a, runs.b, MetricOptions{});
    auto second = paired_bootstrap("accuracy", runs.gold, runs.a, runs.b, MetricOptions{});
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(first->ci_low, second->ci_low);
    EXPECT_EQ(first->ci_high, second->ci_high);
    EXPECT_EQ(first->p_value, second->p_value);
}

TEST(PairedBootstrap, InputErrors) {
    const Runs runs = make_runs(
        10, [](std::size_t) { return true; }, [](std::size_t) { return true; });
    std::vector<Prediction> short_b(runs.b.begin(), runs.b.begin() + 9);
    auto mismatch = paired_bootstrap("accuracy", runs.gold, runs.a, short_b, MetricOptions{});
    ASSERT_FALSE(mismatch.ok());
    EXPECT_EQ(mismatch.error().message,
              "paired_bootstrap (run B): gold has 10 examples but predictions have 9; expected one "
              "prediction per gold example");
    MetricOptions no_resamples;
    no_resamples.bootstrap_resamples = 0;
    EXPECT_FALSE(paired_bootstrap("accuracy", runs.gold, runs.a, runs.b, no_resamples).ok());
    auto unknown = paired_bootstrap("acuracy", runs.gold, runs.a, runs.b, MetricOptions{});
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message.find("did you mean \"accuracy\"?"), std::string::npos);
}

}  // namespace
}  // namespace biomedq
