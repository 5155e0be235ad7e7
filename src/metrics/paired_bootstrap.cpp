// Paired bootstrap: "is run B better or worse than run A on these same examples?"
//
// Both runs are scored on the SAME resampled index sets (one draw, two reductions), so per-example
// difficulty cancels out and only the runs' disagreement drives the spread. On each resample r we
// take d_r = metric_b - metric_a. The CI is the percentile interval of d_r. The two-sided p-value
// is the percentile (sign) test: the fraction of resampled differences on the far side of zero from
// the bulk, doubled, with the usual +1 correction (Davison & Hinkley 1997) so finite resamples
// never claim p = 0:
//   p = min(1, 2 * (1 + min(#{d_r <= 0}, #{d_r >= 0})) / (R + 1)).
// Chosen over the shifted-null test because it needs no centring assumption and gives exactly 1 for
// identical runs (d_r = 0 everywhere, both counts are R); a run worse on every resample gets
// p = 2 / (R + 1), i.e. about 0.002 at R = 1000.
#include <algorithm>

#include "biomedq/metrics.h"
#include "bootstrap.h"
#include "metric_registry.h"

namespace biomedq {

Result<PairedDifference> paired_bootstrap(const std::string& metric_name,
                                          const std::vector<Gold>& gold,
                                          const std::vector<Prediction>& pred_a,
                                          const std::vector<Prediction>& pred_b,
                                          const MetricOptions& options) {
    BIOMEDQ_TRY(metrics::validate_bootstrap_options(options));
    if (options.bootstrap_resamples < 1) {
        return make_error(ErrorCode::kInvalidArgument,
                          "paired_bootstrap: bootstrap_resamples is 0; expected >= 1 (1000+ for a "
                          "usable p-value)");
    }
    BIOMEDQ_TRY(metrics::check_same_size("paired_bootstrap (run A)", gold.size(), pred_a.size()));
    BIOMEDQ_TRY(metrics::check_same_size("paired_bootstrap (run B)", gold.size(), pred_b.size()));
    BIOMEDQ_ASSIGN(auto metric_a, metrics::make_metric(metric_name, gold, pred_a, options));
    BIOMEDQ_ASSIGN(auto metric_b, metrics::make_metric(metric_name, gold, pred_b, options));

    PairedDifference out;
    out.metric = metric_name;
    out.value_a = metrics::point_value(metric_a);
    out.value_b = metrics::point_value(metric_b);
    out.difference = out.value_b - out.value_a;

    const auto distributions = metrics::bootstrap_distributions(
        {&metric_a, &metric_b}, options.bootstrap_resamples, options.seed);
    std::vector<double> differences(distributions[0].size());
    long n_at_or_below_zero = 0, n_at_or_above_zero = 0;
    for (std::size_t r = 0; r < differences.size(); ++r) {
        differences[r] = distributions[1][r] - distributions[0][r];
        if (differences[r] <= 0.0) ++n_at_or_below_zero;
        if (differences[r] >= 0.0) ++n_at_or_above_zero;
    }
    const double resamples = static_cast<double>(differences.size());
    const double tail = static_cast<double>(std::min(n_at_or_below_zero, n_at_or_above_zero) + 1);
    out.p_value = std::min(1.0, 2.0 * tail / (resamples + 1.0));
    const metrics::Interval ci =
        metrics::percentile_interval(std::move(differences), options.confidence, out.difference);
    out.ci_low = ci.low;
    out.ci_high = ci.high;
    return out;
}

}  // namespace biomedq
