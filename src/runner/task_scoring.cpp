#include "runner/task_scoring.h"

#include <algorithm>

#include "runner/sample_record.h"

namespace biomedq::runner {

Result<nlohmann::json> score_task(const TaskConfig& task, std::vector<nlohmann::json> records,
                                  int bootstrap_resamples, std::uint64_t seed) {
    std::sort(records.begin(), records.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
        return a.value("index", 0) < b.value("index", 0);
    });
    std::vector<Gold> gold;
    std::vector<Prediction> pred;
    std::size_t n_invalid = 0;
    for (const auto& r : records) {
        const std::string where = task.name + " sample " + r.value("id", std::string("?"));
        auto g = gold_from_json(r.value("gold", nlohmann::json()));
        if (!g.ok()) return g.error().with_context(where);
        auto p = prediction_from_json(r.value("parsed", nlohmann::json()));
        if (!p.ok()) return p.error().with_context(where);
        if (!p->valid) ++n_invalid;
        gold.push_back(std::move(g).value());
        pred.push_back(std::move(p).value());
    }
    nlohmann::json out;
    out["n_examples"] = records.size();
    out["n_invalid"] = n_invalid;
    out["invalid_rate"] = records.empty() ? 0.0 : static_cast<double>(n_invalid) / static_cast<double>(records.size());
    out["primary_metric"] = task.metrics.empty() ? "" : task.metrics.front();
    out["kind"] = task_kind_name(task.kind);
    out["protocol"] = task.protocol.empty() ? "biomedq" : task.protocol;
    out["metric_definitions"] = nlohmann::json::object();
    for (const auto& name : task.metrics) out["metric_definitions"][name] = metric_definition(name);
    out["metrics"] = nlohmann::json::array();
    if (records.empty()) return out;

    MetricOptions options = metric_options_of(task);
    options.bootstrap_resamples = bootstrap_resamples;
    options.seed = seed;
    BIOMEDQ_ASSIGN(auto values, compute_metrics(task.metrics, gold, pred, options));
    for (const auto& v : values) {
        nlohmann::json metric = {{"name", v.name}, {"value", v.value}, {"ci_low", v.ci_low}, {"ci_high", v.ci_high}};
        if (const auto it = task.published_metric_names.find(v.name); it != task.published_metric_names.end()) {
            metric["published_name"] = it->second;
        }
        out["metrics"].push_back(std::move(metric));
    }
    if (task.kind == TaskKind::kRelation || task.kind == TaskKind::kMcqa) {
        out["per_class"] = nlohmann::json::array();
        for (const auto& c : per_class_scores(gold, pred, options)) {
            out["per_class"].push_back({{"label", c.label}, {"precision", c.precision}, {"recall", c.recall},
                                        {"f1", c.f1}, {"support", c.support}});
        }
    }
    return out;
}

}  // namespace biomedq::runner
