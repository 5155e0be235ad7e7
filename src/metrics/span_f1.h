// NER span metrics, micro-averaged over all mentions of the corpus.
//
// Both gold and predicted spans are treated as SETS per example (duplicates collapse), and a match
// always needs the same `type` string (an empty type only matches an empty type).
//   strict:  a predicted span is a TP iff an identical (begin, end, type) gold span exists.
//            P = TP / #pred, R = TP / #gold.
//   lenient: a predicted span is correct iff it overlaps ([b1,e1) and [b2,e2) share a byte) some
//            gold span of the same type; a gold span is found iff some predicted span of the same
//            type overlaps it. P = #correct pred / #pred, R = #found gold / #gold, F1 = 2PR/(P+R).
//            Counting each side separately (rather than one-to-one matching) is the conventional
//            "overlap" relaxation; one long prediction covering two gold mentions finds both.
// An invalid prediction predicts no spans. Zero denominators give 0 (zero_division=0).
#pragma once

#include <string>
#include <vector>

#include "biomedq/metrics.h"
#include "metric_definition.h"

namespace biomedq::metrics {

struct StrictSpanCounts {
    int tp = 0, n_pred = 0, n_gold = 0;
};
struct LenientSpanCounts {
    int pred_matched = 0, n_pred = 0, gold_matched = 0, n_gold = 0;
};

StrictSpanCounts strict_span_counts(const std::vector<Span>& gold, const Prediction& pred);
LenientSpanCounts lenient_span_counts(const std::vector<Span>& gold, const Prediction& pred);

// Strict span F1 of one example; an example with no gold and no predicted spans scores 1.0 (nothing
// to find, nothing wrongly claimed), unlike the corpus metric's zero_division=0.
double example_strict_span_f1(const std::vector<Span>& gold, const Prediction& pred);

enum class SpanMatch { kStrict, kLenient };
enum class SpanQuantity { kPrecision, kRecall, kF1 };

// The quantity asked for, from corpus precision and recall (F1 0 when both are 0).
double quantity_from(SpanQuantity quantity, double precision, double recall);

MetricDefinition make_span_metric(const std::string& name, SpanMatch match, SpanQuantity quantity,
                                  const std::vector<Gold>& gold,
                                  const std::vector<Prediction>& pred);

}  // namespace biomedq::metrics
