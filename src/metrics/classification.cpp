#include "classification.h"

#include "class_counts.h"
#include "label_index.h"

namespace biomedq::metrics {
namespace {

// Slots: class_counts.h, then correct = first_free_slot(K).
std::size_t correct_slot(std::size_t n_classes) { return first_free_slot(n_classes); }

struct ConfusionCounts {
    LabelIndex index;
    ExampleStats stats;
};

Result<ConfusionCounts> count_confusions(const std::string& name, const std::vector<Gold>& gold,
                                         const std::vector<Prediction>& pred,
                                         const MetricOptions& options) {
    BIOMEDQ_TRY(check_single_gold_label(name, gold));
    BIOMEDQ_ASSIGN(LabelIndex index, build_label_index(name, gold, pred, options));
    const std::size_t k = index.size();
    ExampleStats stats(correct_slot(k) + 1);
    for (std::size_t i = 0; i < gold.size(); ++i) {
        const std::size_t g = index.slot_of(gold[i].labels.front());
        const std::optional<std::string> predicted = predicted_class(pred[i]);
        if (predicted && *predicted == gold[i].labels.front()) {
            stats.add(tp_slot(g), 1.0);
            stats.add(correct_slot(k), 1.0);
        } else {
            stats.add(fn_slot(g), 1.0);
            if (predicted) stats.add(fp_slot(index.slot_of(*predicted)), 1.0);
        }
        stats.finish_example();
    }
    return ConfusionCounts{std::move(index), std::move(stats)};
}

}  // namespace

Status check_single_gold_label(const std::string& name, const std::vector<Gold>& gold) {
    for (std::size_t i = 0; i < gold.size(); ++i) {
        if (gold[i].labels.size() != 1) {
            return make_error(ErrorCode::kInvalidArgument,
                              name + ": gold example #" + std::to_string(i) + " has " +
                                  std::to_string(gold[i].labels.size()) +
                                  " labels; single-label metrics expect exactly 1");
        }
    }
    return Status::success();
}

std::optional<std::string> predicted_class(const Prediction& pred) {
    if (!pred.valid || pred.labels.size() != 1) return std::nullopt;
    return pred.labels.front();
}

double example_correct(const Gold& gold, const Prediction& pred) {
    const std::optional<std::string> predicted = predicted_class(pred);
    return gold.labels.size() == 1 && predicted && *predicted == gold.labels.front() ? 1.0 : 0.0;
}

Result<MetricDefinition> make_single_label_metric(const std::string& name, SingleLabelMetric kind,
                                                  const std::vector<Gold>& gold,
                                                  const std::vector<Prediction>& pred,
                                                  const MetricOptions& options) {
    BIOMEDQ_ASSIGN(ConfusionCounts counts, count_confusions(name, gold, pred, options));
    const std::size_t k = counts.index.size();
    MetricDefinition metric{name, std::move(counts.stats), {}};
    switch (kind) {
        case SingleLabelMetric::kAccuracy:
            metric.reduce = [k](const std::vector<double>& t, std::size_t n) {
                return safe_ratio(t[correct_slot(k)], static_cast<double>(n));
            };
            break;
        case SingleLabelMetric::kMacroF1:
            metric.reduce = [k](const std::vector<double>& t, std::size_t) {
                return macro_f1_over_classes(t, k);
            };
            break;
        case SingleLabelMetric::kMicroF1Positive: {
            if (options.negative_label.empty()) {
                return make_error(ErrorCode::kInvalidArgument,
                                  name +
                                      ": negative_label is empty; expected the task's negative "
                                      "class (e.g. \"false\" for ChemProt)");
            }
            if (!counts.index.contains(options.negative_label)) {
                return make_error(ErrorCode::kInvalidArgument,
                                  name + ": negative_label \"" + options.negative_label +
                                      "\" is not among the labels " +
                                      join_labels(counts.index.labels()));
            }
            const std::size_t negative = counts.index.slot_of(options.negative_label);
            metric.reduce = [k, negative](const std::vector<double>& t, std::size_t) {
                return micro_prf_over_classes(t, k, negative).f1;
            };
            break;
        }
    }
    return metric;
}

Result<std::vector<PerClassScore>> compute_per_class_scores(const std::vector<Gold>& gold,
                                                            const std::vector<Prediction>& pred,
                                                            const MetricOptions& options) {
    if (gold.size() != pred.size()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "per_class_scores: gold has " + std::to_string(gold.size()) +
                              " examples but predictions has " + std::to_string(pred.size()));
    }
    BIOMEDQ_ASSIGN(ConfusionCounts counts,
                   count_confusions("per_class_scores", gold, pred, options));
    std::vector<double> totals(counts.stats.n_slots(), 0.0);
    for (std::size_t i = 0; i < counts.stats.n_examples(); ++i) counts.stats.accumulate(i, totals);
    std::vector<PerClassScore> scores;
    for (std::size_t c = 0; c < counts.index.size(); ++c) {
        const Prf prf = prf_from_counts(totals[tp_slot(c)], totals[fp_slot(c)], totals[fn_slot(c)]);
        scores.push_back(PerClassScore{counts.index.labels()[c], prf.precision, prf.recall, prf.f1,
                                       static_cast<int>(totals[tp_slot(c)] + totals[fn_slot(c)])});
    }
    return scores;
}

}  // namespace biomedq::metrics
