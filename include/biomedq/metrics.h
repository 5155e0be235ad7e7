// Task metrics over per-example gold and predictions, each with a seeded bootstrap confidence
// interval, and the paired bootstrap that answers "is model B significantly worse than model A on
// these same examples?". Pure functions; thread-safe.
//
// Conventions (the detailed rules live next to the code in src/metrics/*.h):
//  - Zero denominators give 0, never NaN (sklearn zero_division=0): no predictions -> precision 0.
//  - An invalid prediction (Prediction::valid == false) predicts nothing: for single-label metrics
//    a false negative for the gold class and a false positive for no class; for multi-label and NER
//    the empty set.
//  - Macro averages run over label_set; a class with no gold support AND no predictions has
//    undefined F1 and is left out of the mean (not counted as 0).
//  - Labels and spans are sets per example (duplicates collapse).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "biomedq/example.h"
#include "biomedq/result.h"

namespace biomedq {

// A parsed model answer. valid=false means the parser could not read the output: it is scored as
// wrong (no labels / no spans predicted), and counted in the invalid rate. For single-label tasks a
// valid prediction names a class only when it holds exactly one label; otherwise it predicts
// nothing, like an invalid one.
struct Prediction {
    bool valid = false;
    std::vector<std::string> labels;
    std::vector<Span> spans;
    // The trimmed reply when it names no class (valid == false): published scoring code that takes
    // every distinct reply as a class of its own needs it (macro_f1_stray_classes). Empty
    // otherwise.
    std::string unparsed;
};

// Gold for one example, in the same shape as a Prediction. Single-label metrics need exactly one
// label per example; multi-label gold may be empty.
struct Gold {
    std::vector<std::string> labels;
    std::vector<Span> spans;
};

// Metric names a task config may list:
//   ner_strict_{precision,recall,f1}   exact (begin,end,type) span match, micro over all mentions
//   ner_lenient_{precision,recall,f1}  overlap match with the same type: precision counts predicted
//                                      spans overlapping some gold span, recall counts gold spans
//                                      overlapped by some prediction (each side counted on its own)
//   micro_f1_positive                  single-label classification: micro-F1 over all classes
//   except
//                                      the negative one (BLURB convention for ChemProt/DDI);
//                                      needs negative_label
//   macro_f1                           single-label: unweighted mean F1 over all classes incl.
//   negative multilabel_micro_f1, multilabel_macro_f1, example_f1   multi-label; example_f1 of an
//   example
//                                      with empty gold and empty prediction is 1.0
//   accuracy                           single-label exact match (QA: "A".."E", yes/no/maybe)
// and, computed the way Chen et al. 2025's scoring code does (quirks included; src/metrics/
// published_metrics.h): ner_strict_{precision,recall,f1}_gold_sentences_only (sentences without
// gold entities skipped), macro_f1_stray_classes and weighted_f1_stray_classes (each distinct
// unreadable reply a class of its own).
struct MetricOptions {
    // All classes, fixed order (macro averages over these). When empty: the sorted union of gold
    // labels and valid predicted labels. When set, a gold label outside it is an error; a predicted
    // label outside it is wrong (an FP for micro averages) but joins no macro average.
    std::vector<std::string> label_set;
    std::string negative_label;      // excluded by micro_f1_positive
    int bootstrap_resamples = 1000;  // 0 = no bootstrap: ci_low = ci_high = value
    std::uint64_t seed = 1234;       // std::mt19937_64 seed; same seed -> same CI on any platform
    double confidence = 0.95;        // percentile interval level, strictly between 0 and 1
};

struct MetricValue {
    std::string name;
    double value = 0.0;
    double ci_low = 0.0;
    double ci_high = 0.0;
};

struct PerClassScore {
    std::string label;
    double precision = 0.0, recall = 0.0, f1 = 0.0;
    int support = 0;  // gold examples of this class
};

// Computes each named metric (in the order given) with its percentile bootstrap CI; all metrics of
// one call share the same resamples (examples drawn with replacement). Errors (kInvalidArgument):
// unknown metric name (with a "did you mean"), gold/pred sizes differ or are 0, a gold label
// outside label_set, single-label gold without exactly one label, micro_f1_positive without a
// negative_label among the labels, bootstrap_resamples < 0, confidence outside (0,1).
Result<std::vector<MetricValue>> compute_metrics(const std::vector<std::string>& metric_names,
                                                 const std::vector<Gold>& gold,
                                                 const std::vector<Prediction>& pred,
                                                 const MetricOptions& options);

// Per-class P/R/F1 for single-label classification, in label_set order. Returns an empty vector on
// input compute_metrics would reject; per_class_scores_checked says why.
std::vector<PerClassScore> per_class_scores(const std::vector<Gold>& gold,
                                            const std::vector<Prediction>& pred,
                                            const MetricOptions& options);
Result<std::vector<PerClassScore>> per_class_scores_checked(const std::vector<Gold>& gold,
                                                            const std::vector<Prediction>& pred,
                                                            const MetricOptions& options);

// Per-example score in [0,1] used for paired comparisons and sample logs, by task kind:
//   "relation", "classification", "mcqa"  1 if the prediction names exactly the gold class, else 0
//   "multilabel"                          example-F1 (empty gold + empty prediction -> 1)
//   "ner"                                 strict span F1 of the example (no gold + no spans -> 1)
// An unknown task kind returns NaN (check against known_task_kinds() when reading config).
double example_score(const std::string& task_kind, const Gold& gold, const Prediction& pred);
const std::vector<std::string>& known_task_kinds();

struct PairedDifference {
    std::string metric;
    double value_a = 0.0, value_b = 0.0;
    double difference = 0.0;  // b - a
    double ci_low = 0.0, ci_high = 0.0;
    // Two-sided, paired bootstrap sign test with +1 correction:
    // min(1, 2 * (1 + min(#{d_r <= 0}, #{d_r >= 0})) / (R + 1)); identical runs -> 1.
    double p_value = 1.0;
};

// Paired bootstrap over the same examples (same resample indices for both runs, same seed as
// compute_metrics). Errors as compute_metrics, plus bootstrap_resamples must be >= 1.
Result<PairedDifference> paired_bootstrap(const std::string& metric_name,
                                          const std::vector<Gold>& gold,
                                          const std::vector<Prediction>& pred_a,
                                          const std::vector<Prediction>& pred_b,
                                          const MetricOptions& options);

const std::vector<std::string>& known_metrics();

// One line saying how a metric is computed, for results.json's "metric_definitions"; "" for a name
// not in known_metrics().
std::string metric_definition(const std::string& name);

// How a difference b - a (a run against its reference: quantized - full precision, compare's B - A)
// reads for b, in every output that marks significance: "significant gain" when significant and
// positive, "significant loss" when significant and negative, "" otherwise. Gains and losses are
// told apart by the sign, never by the mark alone.
std::string significance_label(double difference, bool significant);

}  // namespace biomedq
