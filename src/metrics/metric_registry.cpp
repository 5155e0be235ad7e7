#include "metric_registry.h"

#include <algorithm>
#include <numeric>

#include "classification.h"
#include "label_index.h"
#include "multilabel.h"
#include "span_f1.h"

namespace biomedq::metrics {
namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                               diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

std::string closest_name(const std::string& name, const std::vector<std::string>& known) {
    std::string best;
    std::size_t best_distance = 0;
    for (const std::string& candidate : known) {
        const std::size_t distance = edit_distance(name, candidate);
        if (best.empty() || distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best;
}

Status check_same_size(const std::string& context, std::size_t n_gold, std::size_t n_pred) {
    if (n_gold != n_pred) {
        return make_error(ErrorCode::kInvalidArgument,
                          context + ": gold has " + std::to_string(n_gold) +
                              " examples but predictions have " + std::to_string(n_pred) +
                              "; expected one prediction per gold example");
    }
    if (n_gold == 0) {
        return make_error(ErrorCode::kInvalidArgument,
                          context + ": no examples to score; expected at least one");
    }
    return Status::success();
}

Result<MetricDefinition> make_metric(const std::string& name, const std::vector<Gold>& gold,
                                     const std::vector<Prediction>& pred,
                                     const MetricOptions& options) {
    using enum SpanMatch;
    using enum SpanQuantity;
    if (name == "ner_strict_precision") return make_span_metric(name, kStrict, kPrecision, gold, pred);
    if (name == "ner_strict_recall") return make_span_metric(name, kStrict, kRecall, gold, pred);
    if (name == "ner_strict_f1") return make_span_metric(name, kStrict, kF1, gold, pred);
    if (name == "ner_lenient_precision") return make_span_metric(name, kLenient, kPrecision, gold, pred);
    if (name == "ner_lenient_recall") return make_span_metric(name, kLenient, kRecall, gold, pred);
    if (name == "ner_lenient_f1") return make_span_metric(name, kLenient, kF1, gold, pred);
    if (name == "accuracy") {
        return make_single_label_metric(name, SingleLabelMetric::kAccuracy, gold, pred, options);
    }
    if (name == "macro_f1") {
        return make_single_label_metric(name, SingleLabelMetric::kMacroF1, gold, pred, options);
    }
    if (name == "micro_f1_positive") {
        return make_single_label_metric(name, SingleLabelMetric::kMicroF1Positive, gold, pred,
                                        options);
    }
    if (name == "multilabel_micro_f1") {
        return make_multilabel_metric(name, MultiLabelMetric::kMicroF1, gold, pred, options);
    }
    if (name == "multilabel_macro_f1") {
        return make_multilabel_metric(name, MultiLabelMetric::kMacroF1, gold, pred, options);
    }
    if (name == "example_f1") {
        return make_multilabel_metric(name, MultiLabelMetric::kExampleF1, gold, pred, options);
    }
    return make_error(ErrorCode::kInvalidArgument,
                      "unknown metric \"" + name + "\" (did you mean \"" +
                          closest_name(name, known_metrics()) + "\"?); known metrics: " +
                          join_labels(known_metrics()));
}

}  // namespace biomedq::metrics

namespace biomedq {

const std::vector<std::string>& known_metrics() {
    static const std::vector<std::string> names = {
        "ner_strict_precision", "ner_strict_recall",   "ner_strict_f1",
        "ner_lenient_precision", "ner_lenient_recall", "ner_lenient_f1",
        "accuracy",              "macro_f1",           "micro_f1_positive",
        "multilabel_micro_f1",   "multilabel_macro_f1", "example_f1",
    };
    return names;
}

}  // namespace biomedq
