// The metric pipeline's sanity check: gold scored against itself must give 1.0 on every metric, and
// gold scored against another example's gold (a seeded derangement) must not.
#include "biomedq/task.h"
#include "tasks/seeded_random.h"

namespace biomedq {

Result<SelfCheckResult> self_check(const TaskConfig& task, const std::vector<Example>& examples,
                                   std::uint64_t seed) {
    if (examples.size() < 2) {
        return make_error(ErrorCode::kInvalidArgument,
                          task.name + ": self check needs at least 2 examples, got " +
                              std::to_string(examples.size()));
    }
    std::vector<Gold> gold;
    std::vector<Prediction> as_prediction;
    for (const auto& example : examples) {
        gold.push_back(gold_of(task, example));
        as_prediction.push_back(Prediction{true, gold.back().labels, gold.back().spans, {}});
    }
    const auto order = tasks::seeded_derangement(examples.size(), seed ^ tasks::fnv1a64(task.name));
    std::vector<Prediction> deranged;
    for (std::size_t i = 0; i < examples.size(); ++i) deranged.push_back(as_prediction[order[i]]);

    MetricOptions options = metric_options_of(task);
    options.bootstrap_resamples = 200;  // the CI is not the point here
    options.seed = seed;
    SelfCheckResult result;
    result.task = task.name;
    result.n_examples = examples.size();
    BIOMEDQ_ASSIGN(result.gold_as_prediction,
                   compute_metrics(task.metrics, gold, as_prediction, options));
    BIOMEDQ_ASSIGN(result.deranged, compute_metrics(task.metrics, gold, deranged, options));
    return result;
}

}  // namespace biomedq
