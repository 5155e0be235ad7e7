#include <gtest/gtest.h>

#include "metric_test_helpers.h"

namespace biomedq {
namespace {

using test::gold_labels;
using test::invalid_labels;
using test::metric_value;
using test::pred_labels;

// ChemProt-like: negative class "false"; "CPR:9" is listed but absent from gold and predictions.
MetricOptions chemprot_options() {
    MetricOptions options;
    options.label_set = {"false", "CPR:3", "CPR:4", "CPR:9"};
    options.negative_label = "false";
    return options;
}

struct CraftedRelations {
    std::vector<Gold> gold = {
        gold_labels({"false"}), gold_labels({"false"}), gold_labels({"CPR:3"}),
        gold_labels({"CPR:3"}), gold_labels({"CPR:4"}), gold_labels({"CPR:4"}),
        gold_labels({"CPR:4"}), gold_labels({"false"}),
    };
    std::vector<Prediction> pred = {
        pred_labels({"false"}),           // 1: tp(false)
        pred_labels({"CPR:3"}),           // 2: fn(false), fp(CPR:3)
        pred_labels({"CPR:3"}),           // 3: tp(CPR:3)
        invalid_labels({"CPR:3"}),        // 4: fn(CPR:3) only: invalid predicts nothing
        pred_labels({"false"}),           // 5: fn(CPR:4), fp(false)
        pred_labels({"CPR:4"}),           // 6: tp(CPR:4)
        pred_labels({"CPR:3"}),           // 7: fn(CPR:4), fp(CPR:3)
        pred_labels({"false", "CPR:3"}),  // 8: two labels = predicts nothing: fn(false)
    };
};
// Counts:  false  tp 1 fp 1 fn 2 -> P 1/2 R 1/3 F1 = 2(1/6)/(5/6) = 2/5
//          CPR:3  tp 1 fp 2 fn 1 -> P 1/3 R 1/2 F1 = 2(1/6)/(5/6) = 2/5
//          CPR:4  tp 1 fp 0 fn 2 -> P 1   R 1/3 F1 = 2(1/3)/(4/3) = 1/2
//          CPR:9  tp 0 fp 0 fn 0 -> no support, never predicted: left out of the macro mean

TEST(Classification, AccuracyMacroF1AndMicroF1PositiveOfTheCraftedCase) {
    test::expect_hand_computed(
        CraftedRelations{}, chemprot_options(),
        {
            // 3 correct (examples 1, 3, 6) of 8.
            {"accuracy", 3.0 / 8.0},
            // (2/5 + 2/5 + 1/2) / 3 = 1.3 / 3. CPR:9, absent from gold and predictions, is
            // excluded, not averaged in as 0 (that would give 1.3/4). This equals sklearn's
            // f1_score(average="macro") with its default labels (those present in gold or
            // predictions).
            {"macro_f1", 1.3 / 3.0},
            // Positive classes CPR:3, CPR:4, CPR:9 (+ unlisted):
            // tp 1+1 = 2, fp 2+0 = 2, fn 1+2 = 3. P = 2/4, R = 2/5, F1 = 2(0.2)/(0.9) = 4/9.
            // The negative class does not count: the fp(false) of example 5 is left out.
            {"micro_f1_positive", 4.0 / 9.0},
        });
}

TEST(Classification, PerClassScoresInLabelSetOrder) {
    const CraftedRelations c;
    const std::vector<PerClassScore> scores = per_class_scores(c.gold, c.pred, chemprot_options());
    ASSERT_EQ(scores.size(), 4u);
    EXPECT_EQ(scores[0].label, "false");
    EXPECT_DOUBLE_EQ(scores[0].precision, 0.5);
    EXPECT_DOUBLE_EQ(scores[0].recall, 1.0 / 3.0);
    EXPECT_DOUBLE_EQ(scores[0].f1, 0.4);
    EXPECT_EQ(scores[0].support, 3);
    EXPECT_EQ(scores[1].label, "CPR:3");
    EXPECT_DOUBLE_EQ(scores[1].precision, 1.0 / 3.0);
    EXPECT_DOUBLE_EQ(scores[1].recall, 0.5);
    EXPECT_DOUBLE_EQ(scores[1].f1, 0.4);
    EXPECT_EQ(scores[1].support, 2);
    EXPECT_EQ(scores[2].label, "CPR:4");
    EXPECT_DOUBLE_EQ(scores[2].precision, 1.0);
    EXPECT_DOUBLE_EQ(scores[2].recall, 1.0 / 3.0);
    EXPECT_DOUBLE_EQ(scores[2].f1, 0.5);
    EXPECT_EQ(scores[2].support, 3);
    EXPECT_EQ(scores[3].label, "CPR:9");  // reported with zeros, but excluded from macro_f1
    EXPECT_DOUBLE_EQ(scores[3].f1, 0.0);
    EXPECT_EQ(scores[3].support, 0);
}

TEST(Classification, PerfectPredictionsScoreOne) {
    const CraftedRelations c;
    test::expect_perfect_scores_one({"accuracy", "macro_f1", "micro_f1_positive"}, c.gold,
                                    chemprot_options());
}

// Gold: yes, yes, no. Predictions: yes, <x>, no, where <x> is either the unlisted "maybe" or a
// parse failure.
//   unlisted "maybe": yes tp1 fn1 -> F1 2/3; no tp1 -> F1 1; macro (2/3 + 1)/2 = 5/6;
//                     positive micro: tp1, fp1 ("maybe"), fn1 -> P 1/2 R 1/2 F1 1/2.
//   invalid:          same macro (no class gains an fp), positive micro: tp1 fp0 fn1 ->
//                     P 1, R 1/2, F1 2/3: a parse failure is not a false positive.
TEST(Classification, UnlistedLabelIsFalsePositiveButInvalidIsNot) {
    MetricOptions options;
    options.label_set = {"no", "yes"};
    options.negative_label = "no";
    const std::vector<Gold> gold = {gold_labels({"yes"}), gold_labels({"yes"}),
                                    gold_labels({"no"})};
    const std::vector<Prediction> unlisted = {pred_labels({"yes"}), pred_labels({"maybe"}),
                                              pred_labels({"no"})};
    const std::vector<Prediction> invalid = {pred_labels({"yes"}), invalid_labels({}),
                                             pred_labels({"no"})};
    EXPECT_DOUBLE_EQ(metric_value("accuracy", gold, unlisted, options), 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(metric_value("macro_f1", gold, unlisted, options), 5.0 / 6.0);
    EXPECT_DOUBLE_EQ(metric_value("micro_f1_positive", gold, unlisted, options), 0.5);
    EXPECT_DOUBLE_EQ(metric_value("accuracy", gold, invalid, options), 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(metric_value("macro_f1", gold, invalid, options), 5.0 / 6.0);
    EXPECT_DOUBLE_EQ(metric_value("micro_f1_positive", gold, invalid, options), 2.0 / 3.0);
}

// MedQA-like, label set derived (sorted union A, B, C, D). Gold A B C D, predicted A C C <invalid>.
//   accuracy 2/4. A: tp1 -> 1; B: fn1 -> 0; C: tp1 fp1 -> P 1/2 R 1 F1 2/3; D: fn1 -> 0.
//   macro_f1 = (1 + 0 + 2/3 + 0) / 4 = 5/12.
TEST(Classification, QaAccuracyAndMacroWithDerivedLabelSet) {
    const std::vector<Gold> gold = {gold_labels({"A"}), gold_labels({"B"}), gold_labels({"C"}),
                                    gold_labels({"D"})};
    const std::vector<Prediction> pred = {pred_labels({"A"}), pred_labels({"C"}),
                                          pred_labels({"C"}), invalid_labels({"D"})};
    EXPECT_DOUBLE_EQ(metric_value("accuracy", gold, pred), 0.5);
    EXPECT_DOUBLE_EQ(metric_value("macro_f1", gold, pred), 5.0 / 12.0);
    const auto scores = per_class_scores(gold, pred, MetricOptions{});
    ASSERT_EQ(scores.size(), 4u);
    EXPECT_EQ(scores[2].label, "C");
    EXPECT_DOUBLE_EQ(scores[2].f1, 2.0 / 3.0);
}

TEST(Classification, ExampleScoreIsCorrectness) {
    for (const char* kind : {"relation", "classification", "mcqa"}) {
        EXPECT_DOUBLE_EQ(example_score(kind, gold_labels({"B"}), pred_labels({"B"})), 1.0);
        EXPECT_DOUBLE_EQ(example_score(kind, gold_labels({"B"}), pred_labels({"C"})), 0.0);
        EXPECT_DOUBLE_EQ(example_score(kind, gold_labels({"B"}), invalid_labels({"B"})), 0.0);
        EXPECT_DOUBLE_EQ(example_score(kind, gold_labels({"B"}), pred_labels({"B", "C"})), 0.0);
    }
}

TEST(Classification, GoldLabelOutsideLabelSetIsAnError) {
    const std::vector<Gold> gold = {gold_labels({"false"}), gold_labels({"CPR:7"})};
    const std::vector<Prediction> pred = {pred_labels({"false"}), pred_labels({"false"})};
    auto result = compute_metrics({"macro_f1"}, gold, pred, chemprot_options());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(result.error().message,
              "macro_f1: gold example #1: label \"CPR:7\" is not in label_set "
              "[false, CPR:3, CPR:4, CPR:9]");
    auto checked = per_class_scores_checked(gold, pred, chemprot_options());
    ASSERT_FALSE(checked.ok());
    EXPECT_TRUE(per_class_scores(gold, pred, chemprot_options()).empty());
}

TEST(Classification, GoldWithoutExactlyOneLabelIsAnError) {
    const std::vector<Gold> gold = {gold_labels({"false"}), gold_labels({})};
    const std::vector<Prediction> pred = {pred_labels({"false"}), pred_labels({"false"})};
    auto result = compute_metrics({"accuracy"}, gold, pred, chemprot_options());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().message,
              "accuracy: gold example #1 has 0 labels; single-label metrics expect exactly 1");
}

TEST(Classification, MicroF1PositiveNeedsANegativeLabelAmongTheLabels) {
    const std::vector<Gold> gold = {gold_labels({"false"})};
    const std::vector<Prediction> pred = {pred_labels({"false"})};
    MetricOptions options = chemprot_options();
    options.negative_label = "";
    auto missing = compute_metrics({"micro_f1_positive"}, gold, pred, options);
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("negative_label is empty"), std::string::npos);
    options.negative_label = "none";
    auto unknown = compute_metrics({"micro_f1_positive"}, gold, pred, options);
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().message,
              "micro_f1_positive: negative_label \"none\" is not among the labels "
              "[false, CPR:3, CPR:4, CPR:9]");
}

}  // namespace
}  // namespace biomedq
