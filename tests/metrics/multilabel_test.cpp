#include <gtest/gtest.h>

#include "metric_test_helpers.h"

namespace biomedq {
namespace {

using test::gold_labels;
using test::invalid_labels;
using test::pred_labels;

// HoC-like; "d" is listed but never in gold or predictions.
MetricOptions hoc_options() {
    MetricOptions options;
    options.label_set = {"a", "b", "c", "d"};
    return options;
}

struct CraftedMultiLabel {
    std::vector<Gold> gold = {
        gold_labels({"a", "b"}), gold_labels({"b"}), gold_labels({}),
        gold_labels({"a"}),      gold_labels({"c"}), gold_labels({}),
    };
    std::vector<Prediction> pred = {
        pred_labels({"a"}),              // 1: tp a, fn b            example F1 2*1/(2+1) = 2/3
        pred_labels({"b", "c", "a"}),    // 2: tp b, fp c, fp a      example F1 2*1/(1+3) = 1/2
        pred_labels({}),                 // 3: nothing, correctly    example F1 1 (empty vs empty)
        invalid_labels({"a"}),           // 4: fn a (invalid = {})   example F1 0
        pred_labels({"c", "c", "zzz"}),  // 5: tp c, fp unlisted     example F1 2*1/(1+2) = 2/3
        invalid_labels({}),              // 6: {} vs {}              example F1 1
    };
};
// Per label:  a  tp 1 fp 1 fn 1 -> P 1/2 R 1/2 F1 1/2
//             b  tp 1 fp 0 fn 1 -> P 1   R 1/2 F1 2/3
//             c  tp 1 fp 1 fn 0 -> P 1/2 R 1   F1 2/3
//             d  nothing        -> left out of the macro mean
//             unlisted "zzz": fp 1 (micro only)

TEST(MultiLabel, MicroAndMacroF1OfTheCraftedCase) {
    test::expect_hand_computed(
        CraftedMultiLabel{}, hoc_options(),
        {
            // tp 3, fp 1 + 1 + 1 = 3, fn 2 -> P 3/6, R 3/5, F1 = 2(0.3)/(1.1) = 6/11.
            {"multilabel_micro_f1", 6.0 / 11.0},
            // (1/2 + 2/3 + 2/3) / 3 = (11/6) / 3 = 11/18; "d", absent from gold and predictions, is
            // excluded (11/24 if it counted as 0).
            {"multilabel_macro_f1", 11.0 / 18.0},
        });
}

// (2/3 + 1/2 + 1 + 0 + 2/3 + 1) / 6 = (23/6) / 6 = 23/36.
TEST(MultiLabel, ExampleF1CountsEmptyVersusEmptyAsOne) {
    const CraftedMultiLabel c;
    EXPECT_NEAR(test::metric_of("example_f1", c, hoc_options()), 23.0 / 36.0, 1e-15);
    EXPECT_DOUBLE_EQ(example_score("multilabel", c.gold[1], c.pred[1]), 0.5);
    EXPECT_DOUBLE_EQ(example_score("multilabel", c.gold[2], c.pred[2]), 1.0);
    EXPECT_DOUBLE_EQ(example_score("multilabel", c.gold[3], c.pred[3]), 0.0);
    EXPECT_DOUBLE_EQ(example_score("multilabel", c.gold[5], c.pred[5]), 1.0);
}

TEST(MultiLabel, PerfectPredictionsScoreOne) {
    const CraftedMultiLabel c;
    test::expect_perfect_scores_one({"multilabel_micro_f1", "multilabel_macro_f1", "example_f1"},
                                    c.gold, hoc_options());
}

TEST(MultiLabel, GoldLabelOutsideLabelSetIsAnError) {
    const std::vector<Gold> gold = {gold_labels({"a", "e"})};
    const std::vector<Prediction> pred = {pred_labels({"a"})};
    auto result = compute_metrics({"example_f1"}, gold, pred, hoc_options());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().message,
              "example_f1: gold example #0: label \"e\" is not in label_set [a, b, c, d]");
}

}  // namespace
}  // namespace biomedq
