// Metrics computed the way a published benchmark's own scoring code computes them, quirks included,
// so a score can be put next to that paper's table. Each name says how it differs from biomedq's
// sound metric of the same family; the sound one is always reported beside it (see the chen2025
// tasks).
//
//   ner_strict_{precision,recall,f1}_gold_sentences_only
//       strict (begin, end, type) span match, micro over mentions, counted only in examples that
//       have at least one gold span. Chen et al. 2025's notebook loops over the entity types
//       present in a sentence's gold, so predictions in sentences without gold entities never count
//       (precision is inflated); biomedq's ner_strict_* count every sentence.
//   macro_f1_stray_classes, weighted_f1_stray_classes
//       single-label F1 as sklearn computes it without a fixed label list: the classes are the gold
//       labels plus whatever was predicted, and every distinct reply that names no class
//       (Prediction::unparsed, valid == false) is a class of its own. Such a class has no gold
//       support, so its F1 is 0 and it drags the macro mean down; it weighs nothing in the weighted
//       mean (support-weighted F1, which Chen et al.'s table labels "Micro F1"). A class absent
//       from a bootstrap resample (no gold, no prediction) is left out, as sklearn leaves it out.
#pragma once

#include <string>
#include <vector>

#include "biomedq/metrics.h"
#include "metric_definition.h"
#include "span_f1.h"

namespace biomedq::metrics {

enum class StrayClassAverage { kMacro, kWeighted };

// The class a prediction stands for under the stray-class convention: its one predicted label, or
// "unparsed:" + the reply when it names none.
std::string stray_class_of(const Prediction& pred);

Result<MetricDefinition> make_stray_class_metric(const std::string& name, StrayClassAverage average,
                                                 const std::vector<Gold>& gold,
                                                 const std::vector<Prediction>& pred);

MetricDefinition make_gold_sentences_span_metric(const std::string& name, SpanQuantity quantity,
                                                 const std::vector<Gold>& gold,
                                                 const std::vector<Prediction>& pred);

}  // namespace biomedq::metrics
