#include "published_metrics.h"

#include <map>

#include "class_counts.h"
#include "classification.h"
#include "span_f1.h"

namespace biomedq::metrics {

std::string stray_class_of(const Prediction& pred) {
    if (auto predicted = predicted_class(pred)) return *predicted;
    return "unparsed:" + pred.unparsed;
}

Result<MetricDefinition> make_stray_class_metric(const std::string& name, StrayClassAverage average,
                                                 const std::vector<Gold>& gold,
                                                 const std::vector<Prediction>& pred) {
    std::map<std::string, std::size_t> slot;  // class -> index, gold classes and stray ones alike
    auto index_of = [&](const std::string& label) {
        return slot.emplace(label, slot.size()).first->second;
    };
    BIOMEDQ_TRY(check_single_gold_label(name, gold));
    std::vector<std::pair<std::size_t, std::size_t>> pairs;  // (gold class, predicted class)
    for (std::size_t i = 0; i < gold.size(); ++i) {
        const std::size_t g = index_of(gold[i].labels.front());
        pairs.emplace_back(g, index_of(stray_class_of(pred[i])));
    }
    const std::size_t k = slot.size();
    MetricDefinition metric{name, ExampleStats(first_free_slot(k)), {}};
    for (const auto& [g, p] : pairs) {
        if (g == p) {
            metric.stats.add(tp_slot(g), 1.0);
        } else {
            metric.stats.add(fn_slot(g), 1.0);
            metric.stats.add(fp_slot(p), 1.0);
        }
        metric.stats.finish_example();
    }
    if (average == StrayClassAverage::kMacro) {
        metric.reduce = [k](const std::vector<double>& t, std::size_t) {
            return macro_f1_over_classes(t, k);
        };
    } else {
        metric.reduce = [k](const std::vector<double>& t, std::size_t n) {
            double sum = 0.0;
            for (std::size_t c = 0; c < k; ++c) {
                const double support = t[tp_slot(c)] + t[fn_slot(c)];
                if (support > 0)
                    sum +=
                        support * prf_from_counts(t[tp_slot(c)], t[fp_slot(c)], t[fn_slot(c)]).f1;
            }
            return safe_ratio(sum, static_cast<double>(n));
        };
    }
    return metric;
}

MetricDefinition make_gold_sentences_span_metric(const std::string& name, SpanQuantity quantity,
                                                 const std::vector<Gold>& gold,
                                                 const std::vector<Prediction>& pred) {
    MetricDefinition metric{name, ExampleStats(3), {}};  // slots: tp, n_pred, n_gold
    for (std::size_t i = 0; i < gold.size(); ++i) {
        if (!gold[i].spans.empty()) {
            const StrictSpanCounts c = strict_span_counts(gold[i].spans, pred[i]);
            if (c.tp) metric.stats.add(0, c.tp);
            if (c.n_pred) metric.stats.add(1, c.n_pred);
            metric.stats.add(2, c.n_gold);
        }
        metric.stats.finish_example();
    }
    metric.reduce = [quantity](const std::vector<double>& t, std::size_t) {
        return quantity_from(quantity, safe_ratio(t[0], t[1]), safe_ratio(t[0], t[2]));
    };
    return metric;
}

}  // namespace biomedq::metrics
