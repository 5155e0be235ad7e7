#include "span_f1.h"

#include <algorithm>

#include "prf.h"

namespace biomedq::metrics {
namespace {

std::vector<Span> as_set(std::vector<Span> spans) {
    std::sort(spans.begin(), spans.end());
    spans.erase(std::unique(spans.begin(), spans.end()), spans.end());
    return spans;
}

// An example's gold and predicted spans as the sets both matchings count over (an invalid
// prediction predicts none).
struct SpanSets {
    std::vector<Span> gold, pred;
    int n_gold() const { return static_cast<int>(gold.size()); }
    int n_pred() const { return static_cast<int>(pred.size()); }
};

SpanSets span_sets(const std::vector<Span>& gold, const Prediction& pred) {
    return {.gold = as_set(gold), .pred = pred.valid ? as_set(pred.spans) : std::vector<Span>{}};
}

bool overlaps_same_type(const Span& a, const Span& b) {
    return a.type == b.type && a.begin < b.end && b.begin < a.end;
}

bool overlaps_any(const Span& span, const std::vector<Span>& others) {
    return std::any_of(others.begin(), others.end(),
                       [&](const Span& other) { return overlaps_same_type(span, other); });
}

}  // namespace

double quantity_from(SpanQuantity quantity, double precision, double recall) {
    switch (quantity) {
        case SpanQuantity::kPrecision:
            return precision;
        case SpanQuantity::kRecall:
            return recall;
        case SpanQuantity::kF1:
            return f1_from_precision_recall(precision, recall);
    }
    return 0.0;
}

StrictSpanCounts strict_span_counts(const std::vector<Span>& gold, const Prediction& pred) {
    const SpanSets sets = span_sets(gold, pred);
    StrictSpanCounts counts{.tp = 0, .n_pred = sets.n_pred(), .n_gold = sets.n_gold()};
    for (const Span& span : sets.pred) {
        if (std::binary_search(sets.gold.begin(), sets.gold.end(), span)) ++counts.tp;
    }
    return counts;
}

LenientSpanCounts lenient_span_counts(const std::vector<Span>& gold, const Prediction& pred) {
    const SpanSets sets = span_sets(gold, pred);
    LenientSpanCounts counts{
        .pred_matched = 0, .n_pred = sets.n_pred(), .gold_matched = 0, .n_gold = sets.n_gold()};
    for (const Span& span : sets.pred) {
        if (overlaps_any(span, sets.gold)) ++counts.pred_matched;
    }
    for (const Span& span : sets.gold) {
        if (overlaps_any(span, sets.pred)) ++counts.gold_matched;
    }
    return counts;
}

double example_strict_span_f1(const std::vector<Span>& gold, const Prediction& pred) {
    const StrictSpanCounts c = strict_span_counts(gold, pred);
    if (c.n_gold == 0 && c.n_pred == 0) return 1.0;
    return safe_ratio(2.0 * c.tp, c.n_gold + c.n_pred);
}

MetricDefinition make_span_metric(const std::string& name, SpanMatch match, SpanQuantity quantity,
                                  const std::vector<Gold>& gold,
                                  const std::vector<Prediction>& pred) {
    // Slots: strict  [tp, n_pred, n_gold]
    //        lenient [pred_matched, n_pred, gold_matched, n_gold]
    const bool strict = match == SpanMatch::kStrict;
    MetricDefinition metric;
    metric.name = name;
    metric.stats = ExampleStats(strict ? 3 : 4);
    for (std::size_t i = 0; i < gold.size(); ++i) {
        std::vector<int> slots;
        if (strict) {
            const StrictSpanCounts c = strict_span_counts(gold[i].spans, pred[i]);
            slots = {c.tp, c.n_pred, c.n_gold};
        } else {
            const LenientSpanCounts c = lenient_span_counts(gold[i].spans, pred[i]);
            slots = {c.pred_matched, c.n_pred, c.gold_matched, c.n_gold};
        }
        for (std::size_t k = 0; k < slots.size(); ++k) {
            if (slots[k]) metric.stats.add(k, slots[k]);
        }
        metric.stats.finish_example();
    }
    // Precision is slot 0 / slot 1 for both; recall is tp / n_gold (strict) or gold_matched /
    // n_gold.
    const std::size_t recall_num = strict ? 0 : 2, recall_den = strict ? 2 : 3;
    metric.reduce = [quantity, recall_num, recall_den](const std::vector<double>& t, std::size_t) {
        return quantity_from(quantity, safe_ratio(t[0], t[1]),
                             safe_ratio(t[recall_num], t[recall_den]));
    };
    return metric;
}

}  // namespace biomedq::metrics
