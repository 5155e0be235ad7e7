#include "metrics/bootstrap.h"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <random>

#include "metric_test_helpers.h"
#include "metrics/metric_registry.h"

namespace biomedq {
namespace {

using test::gold_labels;
using test::pred_labels;

// n examples, the first `n_correct` answered correctly ("yes"), the rest wrongly.
struct AccuracyRun {
    std::vector<Gold> gold;
    std::vector<Prediction> pred;
    AccuracyRun(std::size_t n, std::size_t n_correct) {
        for (std::size_t i = 0; i < n; ++i) {
            gold.push_back(gold_labels({"yes"}));
            pred.push_back(pred_labels({i < n_correct ? "yes" : "no"}));
        }
    }
};

MetricValue accuracy_with_ci(const AccuracyRun& run, MetricOptions options = {}) {
    auto values = compute_metrics({"accuracy"}, run.gold, run.pred, options);
    EXPECT_TRUE(values.ok());
    return values.ok() ? values->front() : MetricValue{};
}

// Type-7 quantiles. Values 0..100, 90% interval: positions 0.05*100 = 5 and 0.95*100 = 95.
// Values {0, 1, 2, 3}, 50% interval: positions 0.25*3 = 0.75 and 0.75*3 = 2.25, interpolated.
TEST(Bootstrap, PercentileIntervalInterpolatesLinearly) {
    std::vector<double> hundred;
    for (int i = 100; i >= 0; --i) hundred.push_back(i);  // unsorted on purpose
    const auto ninety = metrics::percentile_interval(hundred, 0.90, 50.0);
    EXPECT_DOUBLE_EQ(ninety.low, 5.0);
    EXPECT_DOUBLE_EQ(ninety.high, 95.0);
    const auto half = metrics::percentile_interval({3.0, 0.0, 2.0, 1.0}, 0.5, 1.5);
    EXPECT_DOUBLE_EQ(half.low, 0.75);
    EXPECT_DOUBLE_EQ(half.high, 2.25);
    const auto none = metrics::percentile_interval({}, 0.95, 0.4);
    EXPECT_DOUBLE_EQ(none.low, 0.4);
    EXPECT_DOUBLE_EQ(none.high, 0.4);
}

TEST(Bootstrap, IntervalContainsPointEstimateAndIsReproducible) {
    const AccuracyRun run(200, 130);  // accuracy 0.65
    const MetricValue first = accuracy_with_ci(run);
    EXPECT_DOUBLE_EQ(first.value, 0.65);
    EXPECT_LT(first.ci_low, first.value);
    EXPECT_GT(first.ci_high, first.value);
    // Binomial standard error sqrt(0.65*0.35/200) = 0.0337; a 95% interval is about +-0.066.
    EXPECT_NEAR(first.ci_high - first.ci_low, 2 * 1.96 * 0.0337, 0.03);

    const MetricValue again = accuracy_with_ci(run);
    EXPECT_EQ(again.ci_low, first.ci_low);  // bit-identical for the same seed
    EXPECT_EQ(again.ci_high, first.ci_high);

    MetricOptions other_seed;
    other_seed.seed = 99;
    const MetricValue other = accuracy_with_ci(run, other_seed);
    EXPECT_TRUE(other.ci_low != first.ci_low || other.ci_high != first.ci_high);
}

// Width shrinks like 1/sqrt(n): 100x the examples -> about a tenth of the width.
TEST(Bootstrap, IntervalNarrowsWithMoreExamples) {
    const MetricValue small = accuracy_with_ci(AccuracyRun(100, 60));
    const MetricValue large = accuracy_with_ci(AccuracyRun(10000, 6000));
    const double small_width = small.ci_high - small.ci_low;
    const double large_width = large.ci_high - large.ci_low;
    EXPECT_LT(large_width, small_width / 5.0);
    EXPECT_GT(large_width, small_width / 20.0);
}

TEST(Bootstrap, PerfectPredictionsGiveDegenerateInterval) {
    const MetricValue perfect = accuracy_with_ci(AccuracyRun(50, 50));
    EXPECT_DOUBLE_EQ(perfect.value, 1.0);
    EXPECT_DOUBLE_EQ(perfect.ci_low, 1.0);
    EXPECT_DOUBLE_EQ(perfect.ci_high, 1.0);
}

TEST(Bootstrap, ZeroResamplesCollapsesIntervalToValue) {
    MetricOptions options;
    options.bootstrap_resamples = 0;
    const MetricValue value = accuracy_with_ci(AccuracyRun(10, 3), options);
    EXPECT_DOUBLE_EQ(value.value, 0.3);
    EXPECT_DOUBLE_EQ(value.ci_low, 0.3);
    EXPECT_DOUBLE_EQ(value.ci_high, 0.3);
}

// Resamples are drawn as mt19937_64(seed)() % n, so they can be replayed: with 2 examples (only
// example 0 correct) each resample's accuracy is (#draws of example 0) / 2.
TEST(Bootstrap, DrawsFollowDocumentedEngine) {
    const AccuracyRun run(2, 1);
    auto metric = metrics::make_metric("accuracy", run.gold, run.pred, MetricOptions{});
    ASSERT_TRUE(metric.ok());
    const auto values = metrics::bootstrap_distributions({&metric.value()}, 5, 42);
    ASSERT_EQ(values.size(), 1u);
    ASSERT_EQ(values[0].size(), 5u);
    std::mt19937_64 engine(42);
    for (int r = 0; r < 5; ++r) {
        const bool first_is_0 = engine() % 2 == 0;
        const bool second_is_0 = engine() % 2 == 0;
        EXPECT_DOUBLE_EQ(values[0][static_cast<std::size_t>(r)],
                         (first_is_0 ? 0.5 : 0.0) + (second_is_0 ? 0.5 : 0.0))
            << "resample " << r;
    }
}

// Speed sanity, not an assertion on time: 10k examples x 1000 resamples for three metrics at once.
TEST(Bootstrap, TenThousandExamplesThousandResamplesIsFast) {
    std::vector<Gold> gold;
    std::vector<Prediction> pred;
    const std::vector<std::string> labels = {"false", "CPR:3", "CPR:4", "CPR:5", "CPR:6", "CPR:9"};
    for (std::size_t i = 0; i < 10000; ++i) {
        gold.push_back(gold_labels({labels[i % labels.size()]}));
        pred.push_back(pred_labels({labels[(i * 7 / 5) % labels.size()]}));
    }
    MetricOptions options;
    options.label_set = labels;
    options.negative_label = "false";
    const auto start = std::chrono::steady_clock::now();
    auto values =
        compute_metrics({"accuracy", "macro_f1", "micro_f1_positive"}, gold, pred, options);
    const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
    ASSERT_TRUE(values.ok());
    std::cout << "[ timing ] 10k examples x 1000 resamples x 3 metrics: " << elapsed.count()
              << " s\n";
    RecordProperty("bootstrap_10k_x_1000_x3_seconds", std::to_string(elapsed.count()));
}

TEST(Bootstrap, InvalidOptionsAreErrors) {
    const AccuracyRun run(4, 2);
    MetricOptions options;
    options.bootstrap_resamples = -1;
    auto negative = compute_metrics({"accuracy"}, run.gold, run.pred, options);
    ASSERT_FALSE(negative.ok());
    EXPECT_EQ(negative.error().message,
              "bootstrap_resamples: got -1; expected >= 0 (0 disables the confidence interval)");
    options = MetricOptions{};
    options.confidence = 1.0;
    auto full = compute_metrics({"accuracy"}, run.gold, run.pred, options);
    ASSERT_FALSE(full.ok());
    EXPECT_NE(full.error().message.find("confidence: got 1.0"), std::string::npos);
}

}  // namespace
}  // namespace biomedq
