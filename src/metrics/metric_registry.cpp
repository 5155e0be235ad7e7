#include "metric_registry.h"

#include <algorithm>
#include <map>

#include "classification.h"
#include "core/did_you_mean.h"
#include "label_index.h"
#include "multilabel.h"
#include "published_metrics.h"
#include "span_f1.h"

namespace biomedq::metrics {

std::string closest_name(const std::string& name, const std::vector<std::string>& known) {
    std::string best;
    std::size_t best_distance = 0;
    for (const std::string& candidate : known) {
        const std::size_t distance = biomedq::edit_distance(name, candidate);
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
    if (name == "ner_strict_precision")
        return make_span_metric(name, kStrict, kPrecision, gold, pred);
    if (name == "ner_strict_recall") return make_span_metric(name, kStrict, kRecall, gold, pred);
    if (name == "ner_strict_f1") return make_span_metric(name, kStrict, kF1, gold, pred);
    if (name == "ner_lenient_precision")
        return make_span_metric(name, kLenient, kPrecision, gold, pred);
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
    if (name == "macro_f1_stray_classes") {
        return make_stray_class_metric(name, StrayClassAverage::kMacro, gold, pred);
    }
    if (name == "weighted_f1_stray_classes") {
        return make_stray_class_metric(name, StrayClassAverage::kWeighted, gold, pred);
    }
    if (name == "ner_strict_precision_gold_sentences_only") {
        return make_gold_sentences_span_metric(name, kPrecision, gold, pred);
    }
    if (name == "ner_strict_recall_gold_sentences_only") {
        return make_gold_sentences_span_metric(name, kRecall, gold, pred);
    }
    if (name == "ner_strict_f1_gold_sentences_only") {
        return make_gold_sentences_span_metric(name, kF1, gold, pred);
    }
    return make_error(ErrorCode::kInvalidArgument,
                      "unknown metric \"" + name + "\" (did you mean \"" +
                          closest_name(name, known_metrics()) +
                          "\"?); known metrics: " + join_labels(known_metrics()));
}

}  // namespace biomedq::metrics

namespace biomedq {

const std::vector<std::string>& known_metrics() {
    static const std::vector<std::string> names = {
        "ner_strict_precision",
        "ner_strict_recall",
        "ner_strict_f1",
        "ner_lenient_precision",
        "ner_lenient_recall",
        "ner_lenient_f1",
        "accuracy",
        "macro_f1",
        "micro_f1_positive",
        "multilabel_micro_f1",
        "multilabel_macro_f1",
        "example_f1",
        // As published scoring code computes them (published_metrics.h).
        "ner_strict_precision_gold_sentences_only",
        "ner_strict_recall_gold_sentences_only",
        "ner_strict_f1_gold_sentences_only",
        "macro_f1_stray_classes",
        "weighted_f1_stray_classes",
    };
    return names;
}

std::string metric_definition(const std::string& name) {
    static const std::map<std::string, std::string> kDefinitions = {
        {"ner_strict_precision",
         "strict (begin, end, type) span match, micro over all mentions of all sentences"},
        {"ner_strict_recall",
         "strict (begin, end, type) span match, micro over all mentions of all sentences"},
        {"ner_strict_f1",
         "strict (begin, end, type) span match, micro over all mentions of all sentences"},
        {"ner_lenient_precision", "overlap match with the same type, micro over all sentences"},
        {"ner_lenient_recall", "overlap match with the same type, micro over all sentences"},
        {"ner_lenient_f1", "overlap match with the same type, micro over all sentences"},
        {"accuracy", "share of examples whose one predicted class is the gold class"},
        {"macro_f1",
         "unweighted mean F1 over the task's classes incl. the negative one; an unreadable reply "
         "predicts no class"},
        {"micro_f1_positive",
         "micro F1 over every class except the negative one (BLURB convention)"},
        {"multilabel_micro_f1", "micro F1 over (example, label) decisions"},
        {"multilabel_macro_f1", "unweighted mean over labels of each label's F1 across examples"},
        {"example_f1", "mean over examples of the F1 between predicted and gold label sets"},
        {"ner_strict_precision_gold_sentences_only",
         "as published (Chen et al. 2025): strict span precision counted only in sentences with "
         "gold "
         "entities; predictions in other sentences are never counted"},
        {"ner_strict_recall_gold_sentences_only",
         "as published (Chen et al. 2025): strict span recall counted only in sentences with gold "
         "entities"},
        {"ner_strict_f1_gold_sentences_only",
         "as published (Chen et al. 2025): strict span F1 counted only in sentences with gold "
         "entities; "
         "predictions in sentences without gold entities are never counted"},
        {"macro_f1_stray_classes",
         "as published (Chen et al. 2025, sklearn without a label list): macro F1 over gold "
         "classes incl. the "
         "negative one plus one extra class (F1 0) per distinct unreadable reply"},
        {"weighted_f1_stray_classes",
         "as published (Chen et al. 2025, the table's \"Micro F1\"): support-weighted F1 over the "
         "same classes"},
    };
    const auto it = kDefinitions.find(name);
    return it == kDefinitions.end() ? std::string() : it->second;
}

}  // namespace biomedq
