// Builders that keep the hand-computed test cases short and readable.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "biomedq/metrics.h"

namespace biomedq::test {

inline Gold gold_labels(std::vector<std::string> labels) { return Gold{std::move(labels), {}}; }
inline Gold gold_spans(std::vector<Span> spans) { return Gold{{}, std::move(spans)}; }

inline Prediction pred_labels(std::vector<std::string> labels) {
    return Prediction{true, std::move(labels), {}, {}};
}
inline Prediction pred_spans(std::vector<Span> spans) {
    return Prediction{true, {}, std::move(spans), {}};
}

// A parse failure that still carries content, to prove the content is ignored.
inline Prediction invalid_labels(std::vector<std::string> labels) {
    return Prediction{false, std::move(labels), {}, {}};
}
inline Prediction invalid_spans(std::vector<Span> spans) {
    return Prediction{false, {}, std::move(spans), {}};
}

// Point value of one metric with the bootstrap switched off.
inline double metric_value(const std::string& name, const std::vector<Gold>& gold,
                           const std::vector<Prediction>& pred, MetricOptions options = {}) {
    options.bootstrap_resamples = 0;
    auto values = compute_metrics({name}, gold, pred, options);
    EXPECT_TRUE(values.ok()) << (values.ok() ? "" : values.error().message);
    if (!values.ok()) return -1.0;
    EXPECT_EQ(values->size(), 1u);
    EXPECT_EQ(values->front().name, name);
    return values->front().value;
}

// Point value of one metric over a hand-computed case (a struct with `gold` and `pred`).
template <class Crafted>
double metric_of(const std::string& name, const Crafted& crafted, const MetricOptions& options) {
    return metric_value(name, crafted.gold, crafted.pred, options);
}

// A metric and its value computed by hand over a crafted case.
struct HandComputed {
    const char* metric;
    double value;
};

// Each metric's point value over `crafted` is its hand-computed value (EXPECT_DOUBLE_EQ); a failure
// names the metric.
template <class Crafted>
void expect_hand_computed(const Crafted& crafted, const MetricOptions& options,
                          const std::vector<HandComputed>& expected) {
    for (const auto& [metric, value] : expected)
        EXPECT_DOUBLE_EQ(metric_of(metric, crafted, options), value) << metric;
}

// Each metric scores exactly 1 when every prediction repeats its gold labels and spans.
inline void expect_perfect_scores_one(const std::vector<std::string>& names,
                                      const std::vector<Gold>& gold,
                                      const MetricOptions& options = {}) {
    std::vector<Prediction> perfect;
    for (const Gold& g : gold) perfect.push_back(Prediction{true, g.labels, g.spans, {}});
    for (const auto& name : names)
        EXPECT_DOUBLE_EQ(metric_value(name, gold, perfect, options), 1.0) << name;
}

}  // namespace biomedq::test
