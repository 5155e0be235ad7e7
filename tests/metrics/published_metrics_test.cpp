// The metrics of Chen et al. 2025's scoring code, quirks included, on cases worked out by hand from
// the description in ../shared/data/protocols/chen2025/SOURCE.md (not from our code).
#include <gtest/gtest.h>

#include "metric_test_helpers.h"

namespace biomedq::test {
namespace {

Prediction unreadable(std::string reply) {
    Prediction p;
    p.unparsed = std::move(reply);
    return p;
}

// Gold: A A B N (N the negative class). Predictions: A, "dunno", B, "dunno".
// Classes as sklearn sees them without a label list: A, B, N and the stray reply "dunno".
//   A: tp 1, fp 0, fn 1 -> P 1, R 0.5, F1 2/3;  B: tp 1 -> F1 1;  N: tp 0, fn 1 -> F1 0;
//   "dunno": fp 2, no gold -> F1 0.  Macro = (2/3 + 1 + 0 + 0) / 4 = 5/12.
//   Weighted by gold support (A 2, B 1, N 1, dunno 0): (2 * 2/3 + 1) / 4 = 7/12.
// biomedq's macro_f1 over the label set {A, B, N} leaves the unreadable replies out: (2/3 + 1 + 0)
// / 3 = 5/9.
TEST(PublishedMetrics, EachDistinctUnreadableReplyIsAClassScoringZero) {
    const std::vector<Gold> gold = {gold_labels({"A"}), gold_labels({"A"}), gold_labels({"B"}),
                                    gold_labels({"N"})};
    const std::vector<Prediction> pred = {pred_labels({"A"}), unreadable("dunno"),
                                          pred_labels({"B"}), unreadable("dunno")};
    EXPECT_NEAR(metric_value("macro_f1_stray_classes", gold, pred), 5.0 / 12.0, 1e-12);
    EXPECT_NEAR(metric_value("weighted_f1_stray_classes", gold, pred), 7.0 / 12.0, 1e-12);
    MetricOptions options;
    options.label_set = {"A", "B", "N"};
    options.negative_label = "N";
    EXPECT_NEAR(metric_value("macro_f1", gold, pred, options), 5.0 / 9.0, 1e-12);
}

// Gold A A A, predictions A, "x", "y": A has P 1, R 1/3, F1 0.5; "x" and "y" are two classes with
// F1 0: macro 0.5 / 3 = 1/6. With the same reply "x" twice there is one extra class: 0.5 / 2 = 1/4.
TEST(PublishedMetrics, DistinctRepliesAreDistinctClasses) {
    const std::vector<Gold> gold = {gold_labels({"A"}), gold_labels({"A"}), gold_labels({"A"})};
    EXPECT_NEAR(metric_value("macro_f1_stray_classes", gold,
                             {pred_labels({"A"}), unreadable("x"), unreadable("y")}),
                1.0 / 6.0, 1e-12);
    EXPECT_NEAR(metric_value("macro_f1_stray_classes", gold,
                             {pred_labels({"A"}), unreadable("x"), unreadable("x")}),
                1.0 / 4.0, 1e-12);
}

// Sentence 1 (gold [0,3) [5,8)): predicted [0,3) [10,12) -> tp 1, pred 2, gold 2.
// Sentence 2 (no gold): predicted [0,4) -> skipped by the published code.
// Published: P = 1/2, R = 1/2, F1 = 1/2. biomedq counts sentence 2: P = 1/3, R = 1/2, F1 = 0.4.
TEST(PublishedMetrics, NerSentencesWithoutGoldEntitiesAreSkipped) {
    const std::vector<Gold> gold = {gold_spans({{0, 3, "Chemical"}, {5, 8, "Chemical"}}),
                                    gold_spans({})};
    const std::vector<Prediction> pred = {pred_spans({{0, 3, "Chemical"}, {10, 12, "Chemical"}}),
                                          pred_spans({{0, 4, "Chemical"}})};
    EXPECT_NEAR(metric_value("ner_strict_precision_gold_sentences_only", gold, pred), 0.5, 1e-12);
    EXPECT_NEAR(metric_value("ner_strict_recall_gold_sentences_only", gold, pred), 0.5, 1e-12);
    EXPECT_NEAR(metric_value("ner_strict_f1_gold_sentences_only", gold, pred), 0.5, 1e-12);
    EXPECT_NEAR(metric_value("ner_strict_precision", gold, pred), 1.0 / 3.0, 1e-12);
    EXPECT_NEAR(metric_value("ner_strict_f1", gold, pred), 0.4, 1e-12);
}

TEST(PublishedMetrics, EveryMetricHasADefinition) {
    for (const auto& name : known_metrics()) EXPECT_FALSE(metric_definition(name).empty()) << name;
    EXPECT_TRUE(metric_definition("no_such_metric").empty());
}

}  // namespace
}  // namespace biomedq::test
