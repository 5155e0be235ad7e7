#include "metrics/span_f1.h"

#include <gtest/gtest.h>

#include "metric_test_helpers.h"

namespace biomedq {
namespace {

using test::gold_spans;
using test::invalid_spans;
using test::metric_value;
using test::pred_spans;

// Four examples exercising exact hits, overlaps, wrong types, invalid output, spurious spans,
// duplicates and one long span covering two gold mentions.
struct CraftedNer {
    std::vector<Gold> gold = {
        gold_spans({{0, 5, "Chem"}, {10, 15, "Chem"}, {20, 25, "Dis"}}),
        gold_spans({{0, 4, "Dis"}}),
        gold_spans({}),
        gold_spans({{0, 3, "Chem"}, {5, 8, "Chem"}}),
    };
    std::vector<Prediction> pred = {
        // exact hit, overlap of [10,15), right place but wrong type, spurious
        pred_spans({{0, 5, "Chem"}, {11, 15, "Chem"}, {20, 25, "Chem"}, {30, 35, "Chem"}}),
        invalid_spans({{0, 4, "Dis"}}),  // would be a hit, but the parse failed: predicts nothing
        pred_spans({{2, 3, "Chem"}}),    // spurious
        pred_spans({{0, 8, "Chem"}, {0, 8, "Chem"}}),  // duplicate collapses to one span
    };
};

// Strict: tp = 1 (ex1 [0,5)); n_pred = 4 + 0 + 1 + 1 = 6; n_gold = 3 + 1 + 0 + 2 = 6.
//   P = 1/6, R = 1/6, F1 = 1/6.
TEST(SpanF1, StrictCraftedCase) {
    const CraftedNer c;
    EXPECT_DOUBLE_EQ(metric_value("ner_strict_precision", c.gold, c.pred), 1.0 / 6.0);
    EXPECT_DOUBLE_EQ(metric_value("ner_strict_recall", c.gold, c.pred), 1.0 / 6.0);
    EXPECT_DOUBLE_EQ(metric_value("ner_strict_f1", c.gold, c.pred), 1.0 / 6.0);
}

// Lenient: predictions overlapping a same-type gold span: ex1 [0,5) and [11,15) (2; [20,25) Chem
// overlaps only a Dis span), ex3 none, ex4 [0,8) (1) -> 3 of 6 -> P = 1/2.
// Gold spans overlapped by a same-type prediction: ex1 [0,5) and [10,15) (2), ex2 none (invalid),
// ex4 both, via the one long span (2) -> 4 of 6 -> R = 2/3.
// F1 = 2 * (1/2 * 2/3) / (1/2 + 2/3) = (2/3) / (7/6) = 4/7.
TEST(SpanF1, LenientCraftedCase) {
    const CraftedNer c;
    EXPECT_DOUBLE_EQ(metric_value("ner_lenient_precision", c.gold, c.pred), 0.5);
    EXPECT_DOUBLE_EQ(metric_value("ner_lenient_recall", c.gold, c.pred), 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(metric_value("ner_lenient_f1", c.gold, c.pred), 4.0 / 7.0);
}

TEST(SpanF1, PerfectPredictionsScoreOne) {
    const CraftedNer c;
    test::expect_perfect_scores_one(
        {"ner_strict_precision", "ner_strict_recall", "ner_strict_f1", "ner_lenient_precision",
         "ner_lenient_recall", "ner_lenient_f1"},
        c.gold);
}

// No spans predicted anywhere: P = 0/0 -> 0 (zero_division=0), R = 0/6, F1 = 0.
TEST(SpanF1, NoPredictionsScoreZeroNotNan) {
    const CraftedNer c;
    const std::vector<Prediction> none(c.gold.size(), pred_spans({}));
    EXPECT_DOUBLE_EQ(metric_value("ner_strict_precision", c.gold, none), 0.0);
    EXPECT_DOUBLE_EQ(metric_value("ner_lenient_f1", c.gold, none), 0.0);
}

// Half-open spans: [0,5) and [5,9) share no byte, so they do not overlap.
TEST(SpanF1, TouchingSpansDoNotOverlap) {
    const auto counts =
        metrics::lenient_span_counts({{0, 5, "Chem"}}, pred_spans({{5, 9, "Chem"}}));
    EXPECT_EQ(counts.pred_matched, 0);
    EXPECT_EQ(counts.gold_matched, 0);
    const auto overlapping =
        metrics::lenient_span_counts({{0, 5, "Chem"}}, pred_spans({{4, 9, "Chem"}}));
    EXPECT_EQ(overlapping.pred_matched, 1);
    EXPECT_EQ(overlapping.gold_matched, 1);
}

// Per-example strict F1 = 2 tp / (n_gold + n_pred): ex1 2*1/(3+4) = 2/7; ex2 (invalid) 0/(1+0) = 0;
// no gold and no prediction = 1 (nothing to find, nothing wrongly claimed).
TEST(SpanF1, ExampleScore) {
    const CraftedNer c;
    EXPECT_DOUBLE_EQ(example_score("ner", c.gold[0], c.pred[0]), 2.0 / 7.0);
    EXPECT_DOUBLE_EQ(example_score("ner", c.gold[1], c.pred[1]), 0.0);
    EXPECT_DOUBLE_EQ(example_score("ner", c.gold[2], c.pred[2]), 0.0);
    EXPECT_DOUBLE_EQ(example_score("ner", gold_spans({}), pred_spans({})), 1.0);
    EXPECT_DOUBLE_EQ(example_score("ner", c.gold[3], pred_spans(c.gold[3].spans)), 1.0);
}

}  // namespace
}  // namespace biomedq
