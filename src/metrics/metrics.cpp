// Public entry points: compute_metrics and per_class_scores (include/biomedq/metrics.h).
#include "biomedq/metrics.h"

#include "bootstrap.h"
#include "classification.h"
#include "metric_registry.h"

namespace biomedq {

Result<std::vector<MetricValue>> compute_metrics(const std::vector<std::string>& metric_names,
                                                 const std::vector<Gold>& gold,
                                                 const std::vector<Prediction>& pred,
                                                 const MetricOptions& options) {
    BIOMEDQ_TRY(metrics::validate_bootstrap_options(options));
    BIOMEDQ_TRY(metrics::check_same_size("compute_metrics", gold.size(), pred.size()));
    std::vector<metrics::MetricDefinition> definitions;
    for (const std::string& name : metric_names) {
        BIOMEDQ_ASSIGN(auto definition, metrics::make_metric(name, gold, pred, options));
        definitions.push_back(std::move(definition));
    }
    // One pass over shared resamples: every metric's CI comes from the same resampled data sets.
    std::vector<const metrics::MetricDefinition*> pointers;
    for (const auto& definition : definitions) pointers.push_back(&definition);
    auto distributions =
        metrics::bootstrap_distributions(pointers, options.bootstrap_resamples, options.seed);

    std::vector<MetricValue> values;
    for (std::size_t m = 0; m < definitions.size(); ++m) {
        const double point = metrics::point_value(definitions[m]);
        const metrics::Interval ci =
            metrics::percentile_interval(std::move(distributions[m]), options.confidence, point);
        values.push_back(MetricValue{definitions[m].name, point, ci.low, ci.high});
    }
    return values;
}

Result<std::vector<PerClassScore>> per_class_scores_checked(const std::vector<Gold>& gold,
                                                            const std::vector<Prediction>& pred,
                                                            const MetricOptions& options) {
    return metrics::compute_per_class_scores(gold, pred, options);
}

std::vector<PerClassScore> per_class_scores(const std::vector<Gold>& gold,
                                            const std::vector<Prediction>& pred,
                                            const MetricOptions& options) {
    auto scores = metrics::compute_per_class_scores(gold, pred, options);
    return scores.ok() ? std::move(scores).value() : std::vector<PerClassScore>{};
}

}  // namespace biomedq
