// Task metrics over per-example gold and predictions, each with a seeded bootstrap confidence
// interval, and the paired bootstrap that answers "is model B significantly worse than model A on
// these same examples?". Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "biomedq/example.h"
#include "biomedq/result.h"

namespace biomedq {

// A parsed model answer. valid=false means the parser could not read the output: it is scored as
// wrong (no labels / no spans predicted), and counted in the invalid rate.
struct Prediction {
    bool valid = false;
    std::vector<std::string> labels;
    std::vector<Span> spans;
};

// Gold for one example, in the same shape as a Prediction.
struct Gold {
    std::vector<std::string> labels;
    std::vector<Span> spans;
};

// Metric names a task config may list:
//   ner_strict_{precision,recall,f1}   exact (begin,end,type) span match, micro over all mentions
//   ner_lenient_{precision,recall,f1}  overlap match
//   micro_f1_positive                  single-label classification: micro-F1 over all classes except
//                                      the negative one (BLURB convention for ChemProt/DDI)
//   macro_f1                           single-label: unweighted mean F1 over all classes incl. negative
//   multilabel_micro_f1, multilabel_macro_f1, example_f1   multi-label
//   accuracy                           single-label exact match
struct MetricOptions {
    std::vector<std::string> label_set;  // all classes, fixed order (macro averages over these)
    std::string negative_label;          // excluded by micro_f1_positive
    int bootstrap_resamples = 1000;
    std::uint64_t seed = 1234;
    double confidence = 0.95;
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
    int support = 0;
};

// Computes each named metric with its bootstrap CI. Errors: unknown metric name, gold/pred sizes differ.
Result<std::vector<MetricValue>> compute_metrics(const std::vector<std::string>& metric_names,
                                                 const std::vector<Gold>& gold,
                                                 const std::vector<Prediction>& pred,
                                                 const MetricOptions& options);

// Per-class P/R/F1 for single-label classification, in label_set order.
std::vector<PerClassScore> per_class_scores(const std::vector<Gold>& gold,
                                            const std::vector<Prediction>& pred,
                                            const MetricOptions& options);

// Per-example score in [0,1] used for paired comparisons and sample logs: 1/0 correctness for
// single-label, example-F1 for multi-label, strict span F1 for NER.
double example_score(const std::string& task_kind, const Gold& gold, const Prediction& pred);

struct PairedDifference {
    std::string metric;
    double value_a = 0.0, value_b = 0.0;
    double difference = 0.0;  // b - a
    double ci_low = 0.0, ci_high = 0.0;
    double p_value = 1.0;     // two-sided, paired bootstrap
};

// Paired bootstrap over the same examples (same resample indices for both runs).
Result<PairedDifference> paired_bootstrap(const std::string& metric_name, const std::vector<Gold>& gold,
                                          const std::vector<Prediction>& pred_a,
                                          const std::vector<Prediction>& pred_b,
                                          const MetricOptions& options);

const std::vector<std::string>& known_metrics();

}  // namespace biomedq
