#include "bootstrap.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

namespace biomedq::metrics {
namespace {

double quantile_of_sorted(const std::vector<double>& sorted, double q) {
    const double h = q * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(h));
    const std::size_t above = std::min(below + 1, sorted.size() - 1);
    return sorted[below] + (h - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

}  // namespace

Status validate_bootstrap_options(const MetricOptions& options) {
    if (options.bootstrap_resamples < 0) {
        return make_error(ErrorCode::kInvalidArgument,
                          "bootstrap_resamples: got " +
                              std::to_string(options.bootstrap_resamples) +
                              "; expected >= 0 (0 disables the confidence interval)");
    }
    if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
        return make_error(ErrorCode::kInvalidArgument,
                          "confidence: got " + std::to_string(options.confidence) +
                              "; expected a level strictly between 0 and 1, e.g. 0.95");
    }
    return Status::success();
}

std::vector<std::vector<double>> bootstrap_distributions(
    const std::vector<const MetricDefinition*>& metrics, int resamples, std::uint64_t seed) {
    std::vector<std::vector<double>> values(metrics.size());
    if (metrics.empty() || resamples <= 0) return values;
    const std::size_t n = metrics.front()->stats.n_examples();
    std::vector<std::vector<double>> totals(metrics.size());
    for (std::size_t m = 0; m < metrics.size(); ++m) {
        values[m].reserve(static_cast<std::size_t>(resamples));
        totals[m].resize(metrics[m]->stats.n_slots());
    }
    std::mt19937_64 engine(seed);
    std::vector<std::size_t> draws(n);
    for (int r = 0; r < resamples; ++r) {
        for (std::size_t& index : draws) index = static_cast<std::size_t>(engine() % n);
        for (std::size_t m = 0; m < metrics.size(); ++m) {
            std::fill(totals[m].begin(), totals[m].end(), 0.0);
            for (const std::size_t index : draws) metrics[m]->stats.accumulate(index, totals[m]);
            values[m].push_back(metrics[m]->reduce(totals[m], n));
        }
    }
    return values;
}

Interval percentile_interval(std::vector<double> values, double confidence, double point) {
    if (values.empty()) return Interval{point, point};
    std::sort(values.begin(), values.end());
    const double tail = (1.0 - confidence) / 2.0;
    return Interval{quantile_of_sorted(values, tail), quantile_of_sorted(values, 1.0 - tail)};
}

}  // namespace biomedq::metrics
