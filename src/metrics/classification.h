// Single-label classification (relation extraction, QA answer keys, yes/no/maybe).
//
// A prediction names a class only when it is valid and holds exactly one label; anything else
// (invalid, empty, several labels) "predicts nothing": a false negative for the gold class and a
// false positive for no class, so a parse failure can never look like a confident wrong class.
// A valid label outside an explicit label_set is a false positive of the "outside" bucket: it hurts
// accuracy and micro_f1_positive but enters no macro average.
//
//   accuracy           correct / n
//   macro_f1           unweighted mean of per-class F1 over label_set, negative class included.
//                      A class with no gold support and no predictions (tp+fp+fn == 0) is left out
//                      of the mean (its F1 is undefined, not 0); any other class whose P or R has a
//                      zero denominator scores 0 there (sklearn zero_division=0). No class left ->
//                      0.
//   micro_f1_positive  micro P/R/F1 summed over every class except options.negative_label (BLURB
//                      ChemProt/DDI convention): gold negative + predicted positive is an FP, gold
//                      positive + predicted negative is an FN, a confusion between two positive
//                      classes is both. negative_label must be set and be one of the labels.
//
// Gold must hold exactly one label per example (kInvalidArgument otherwise, naming the example).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "biomedq/metrics.h"
#include "biomedq/result.h"
#include "metric_definition.h"

namespace biomedq::metrics {

enum class SingleLabelMetric { kAccuracy, kMacroF1, kMicroF1Positive };

// kInvalidArgument naming metric `name` and the example when a gold example has not exactly one
// label.
Status check_single_gold_label(const std::string& name, const std::vector<Gold>& gold);

// The class a prediction names, or nullopt when it predicts nothing (see above).
std::optional<std::string> predicted_class(const Prediction& pred);

// 1.0 when the prediction names exactly the (single) gold class, else 0.0.
double example_correct(const Gold& gold, const Prediction& pred);

Result<MetricDefinition> make_single_label_metric(const std::string& name, SingleLabelMetric kind,
                                                  const std::vector<Gold>& gold,
                                                  const std::vector<Prediction>& pred,
                                                  const MetricOptions& options);

// Per-class P/R/F1/support in label-set order (support = number of gold examples of the class).
Result<std::vector<PerClassScore>> compute_per_class_scores(const std::vector<Gold>& gold,
                                                            const std::vector<Prediction>& pred,
                                                            const MetricOptions& options);

}  // namespace biomedq::metrics
