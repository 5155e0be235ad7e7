// Metric names -> MetricDefinition builders, and the input checks every entry point shares.
#pragma once

#include <string>
#include <vector>

#include "biomedq/metrics.h"
#include "biomedq/result.h"
#include "metric_definition.h"

namespace biomedq::metrics {

// Errors: kInvalidArgument for an unknown name (with the closest known name as a hint), a gold
// label outside label_set, a single-label gold without exactly one label, a missing negative_label.
Result<MetricDefinition> make_metric(const std::string& name, const std::vector<Gold>& gold,
                                     const std::vector<Prediction>& pred,
                                     const MetricOptions& options);

// kInvalidArgument unless gold and pred have the same, non-zero size. `context` prefixes messages.
Status check_same_size(const std::string& context, std::size_t n_gold, std::size_t n_pred);

// The known name with the smallest edit distance to `name` (for "did you mean").
std::string closest_name(const std::string& name, const std::vector<std::string>& known);

}  // namespace biomedq::metrics
