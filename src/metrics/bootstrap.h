// Seeded percentile bootstrap over examples.
//
// Each resample draws n example indices with replacement from std::mt19937_64(seed) as
// `engine() % n` (modulo bias below n / 2^64, negligible; chosen over std::uniform_int_distribution
// because that one's algorithm differs between standard libraries and would break cross-platform
// reproducibility of a recorded seed). Metrics are then re-reduced from summed per-example counts.
// Several metrics bootstrapped together see the same resamples, which is what makes the paired
// bootstrap paired.
#pragma once

#include <cstdint>
#include <vector>

#include "biomedq/metrics.h"
#include "biomedq/result.h"
#include "metric_definition.h"

namespace biomedq::metrics {

// resamples >= 0 (0 = no bootstrap) and 0 < confidence < 1; messages name the field.
Status validate_bootstrap_options(const MetricOptions& options);

// values[m][r] = metric m on resample r. All metrics must cover the same number of examples (> 0).
std::vector<std::vector<double>> bootstrap_distributions(
    const std::vector<const MetricDefinition*>& metrics, int resamples, std::uint64_t seed);

struct Interval {
    double low = 0.0, high = 0.0;
};

// Central `confidence` interval of the bootstrap values: the (1-c)/2 and (1+c)/2 quantiles with
// linear interpolation between order statistics (numpy's default "linear" / Hyndman-Fan type 7).
// An empty `values` gives {point, point}: no resampling, no spread claimed.
Interval percentile_interval(std::vector<double> values, double confidence, double point);

}  // namespace biomedq::metrics
