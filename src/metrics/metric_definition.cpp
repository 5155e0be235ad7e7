#include "metric_definition.h"

namespace biomedq::metrics {

double point_value(const MetricDefinition& metric) {
    std::vector<double> totals(metric.stats.n_slots(), 0.0);
    const std::size_t n = metric.stats.n_examples();
    for (std::size_t i = 0; i < n; ++i) metric.stats.accumulate(i, totals);
    return metric.reduce(totals, n);
}

}  // namespace biomedq::metrics
