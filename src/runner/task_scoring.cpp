#include "runner/task_scoring.h"

#include <algorithm>

namespace biomedq::runner {
namespace {

TaskResult empty_result(const TaskConfig& task, std::size_t n_examples, std::size_t n_invalid) {
    TaskResult out;
    out.n_examples = n_examples;
    out.n_invalid = n_invalid;
    out.invalid_rate =
        n_examples == 0 ? 0.0 : static_cast<double>(n_invalid) / static_cast<double>(n_examples);
    out.primary_metric = task.metrics.empty() ? "" : task.metrics.front();
    out.kind = task_kind_name(task.kind);
    out.protocol = task.protocol.empty() ? "biomedq" : task.protocol;
    for (const auto& name : task.metrics) out.metric_definitions[name] = metric_definition(name);
    return out;
}

}  // namespace

Result<TaskResult> score_task(const TaskConfig& task, std::vector<SampleRecord> records,
                              int bootstrap_resamples, std::uint64_t seed) {
    std::sort(records.begin(), records.end(),
              [](const SampleRecord& a, const SampleRecord& b) { return a.index < b.index; });
    std::vector<Gold> gold;
    std::vector<Prediction> pred;
    std::size_t n_invalid = 0;
    for (auto& r : records) {
        if (!r.parsed.valid) ++n_invalid;
        gold.push_back(std::move(r.gold));
        pred.push_back(std::move(r.parsed));
    }
    TaskResult out = empty_result(task, records.size(), n_invalid);
    if (records.empty()) return out;

    MetricOptions options = metric_options_of(task);
    options.bootstrap_resamples = bootstrap_resamples;
    options.seed = seed;
    BIOMEDQ_ASSIGN(out.metrics, compute_metrics(task.metrics, gold, pred, options));
    for (const auto& m : out.metrics) {
        if (const auto it = task.published_metric_names.find(m.name);
            it != task.published_metric_names.end()) {
            out.published_metric_names[m.name] = it->second;
        }
    }
    if (task.kind == TaskKind::kRelation || task.kind == TaskKind::kMcqa) {
        out.per_class = per_class_scores(gold, pred, options);
    }
    return out;
}

}  // namespace biomedq::runner
