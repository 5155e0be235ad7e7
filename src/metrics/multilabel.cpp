#include "multilabel.h"

#include <algorithm>

#include "class_counts.h"
#include "label_index.h"

namespace biomedq::metrics {
namespace {

// Slots: class_counts.h, then the example-F1 sum at first_free_slot(K).
std::size_t example_f1_slot(std::size_t n_labels) { return first_free_slot(n_labels); }

std::vector<std::string> as_set(std::vector<std::string> labels) {
    std::sort(labels.begin(), labels.end());
    labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
    return labels;
}

std::vector<std::string> predicted_set(const Prediction& pred) {
    return pred.valid ? as_set(pred.labels) : std::vector<std::string>{};
}

bool contains(const std::vector<std::string>& sorted, const std::string& label) {
    return std::binary_search(sorted.begin(), sorted.end(), label);
}

}  // namespace

double example_multilabel_f1(const Gold& gold, const Prediction& pred) {
    const std::vector<std::string> g = as_set(gold.labels);
    const std::vector<std::string> p = predicted_set(pred);
    if (g.empty() && p.empty()) return 1.0;
    const auto overlap = std::count_if(
        p.begin(), p.end(), [&](const std::string& label) { return contains(g, label); });
    return safe_ratio(2.0 * static_cast<double>(overlap), static_cast<double>(g.size() + p.size()));
}

Result<MetricDefinition> make_multilabel_metric(const std::string& name, MultiLabelMetric kind,
                                                const std::vector<Gold>& gold,
                                                const std::vector<Prediction>& pred,
                                                const MetricOptions& options) {
    BIOMEDQ_ASSIGN(LabelIndex index, build_label_index(name, gold, pred, options));
    const std::size_t k = index.size();
    ExampleStats stats(example_f1_slot(k) + 1);
    for (std::size_t i = 0; i < gold.size(); ++i) {
        const std::vector<std::string> g = as_set(gold[i].labels);
        const std::vector<std::string> p = predicted_set(pred[i]);
        for (const std::string& label : p) {
            stats.add(
                contains(g, label) ? tp_slot(index.slot_of(label)) : fp_slot(index.slot_of(label)),
                1.0);
        }
        for (const std::string& label : g) {
            if (!contains(p, label)) stats.add(fn_slot(index.slot_of(label)), 1.0);
        }
        stats.add(example_f1_slot(k), example_multilabel_f1(gold[i], pred[i]));
        stats.finish_example();
    }
    MetricDefinition metric{name, std::move(stats), {}};
    switch (kind) {
        case MultiLabelMetric::kMicroF1:
            metric.reduce = [k](const std::vector<double>& t, std::size_t) {
                return micro_prf_over_classes(t, k).f1;  // unlisted predictions are FPs too
            };
            break;
        case MultiLabelMetric::kMacroF1:
            metric.reduce = [k](const std::vector<double>& t, std::size_t) {
                return macro_f1_over_classes(t, k);
            };
            break;
        case MultiLabelMetric::kExampleF1:
            metric.reduce = [k](const std::vector<double>& t, std::size_t n) {
                return safe_ratio(t[example_f1_slot(k)], static_cast<double>(n));
            };
            break;
    }
    return metric;
}

}  // namespace biomedq::metrics
