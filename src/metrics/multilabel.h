// Multi-label classification (HoC hallmarks, LitCovid topics). Labels are sets per example
// (duplicates collapse); an invalid prediction is the empty set.
//
//   multilabel_micro_f1  P/R/F1 from tp/fp/fn summed over all labels. A valid predicted label
//                        outside an explicit label_set is an FP here.
//   multilabel_macro_f1  unweighted mean of per-label F1 over label_set; a label with no gold and
//   no
//                        predictions in the corpus is left out (same rule as single-label
//                        macro_f1).
//   example_f1           mean over examples of 2|G∩P| / (|G|+|P|); an example whose gold AND
//                        prediction are both empty scores 1.0 (the model correctly said "none"),
//                        which also holds for an invalid prediction on an example with no gold
//                        label.
//
// Gold may be empty; a gold label outside an explicit label_set is kInvalidArgument.
#pragma once

#include <string>
#include <vector>

#include "biomedq/metrics.h"
#include "biomedq/result.h"
#include "metric_definition.h"

namespace biomedq::metrics {

enum class MultiLabelMetric { kMicroF1, kMacroF1, kExampleF1 };

double example_multilabel_f1(const Gold& gold, const Prediction& pred);

Result<MetricDefinition> make_multilabel_metric(const std::string& name, MultiLabelMetric kind,
                                                const std::vector<Gold>& gold,
                                                const std::vector<Prediction>& pred,
                                                const MetricOptions& options);

}  // namespace biomedq::metrics
