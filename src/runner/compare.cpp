// compare: paired differences between two runs on the examples both finished.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "biomedq/runner.h"
#include "runner/eval_plan.h"
#include "runner/planned_samples.h"
#include "runner/run_config_of.h"

namespace biomedq {

namespace {

constexpr double kSignificanceLevel = 0.05;

bool same_answer(const Prediction& a, const Prediction& b) {
    return a.valid == b.valid && a.labels == b.labels && a.spans == b.spans;
}

// One task's examples finished by both runs, in A's selection order.
struct PairedTask {
    std::vector<Gold> gold;
    std::vector<Prediction> a, b;
    std::size_t n_agree = 0;
};

PairedTask pair_task(
    const std::string& task, const std::vector<SampleRecord>& records_a,
    const std::map<std::pair<std::string, std::string>, const SampleRecord*>& in_b) {
    std::vector<std::pair<const SampleRecord*, const SampleRecord*>> paired;
    for (const auto& r : records_a) {
        if (r.task != task) continue;
        if (auto found = in_b.find({task, r.id}); found != in_b.end()) {
            paired.push_back({&r, found->second});
        }
    }
    std::sort(paired.begin(), paired.end(),
              [](const auto& x, const auto& y) { return x.first->index < y.first->index; });
    PairedTask out;
    for (const auto& [a, b] : paired) {
        if (same_answer(a->parsed, b->parsed)) ++out.n_agree;
        out.gold.push_back(a->gold);
        out.a.push_back(a->parsed);
        out.b.push_back(b->parsed);
    }
    return out;
}

// Each example once per run (a repeated record would be paired twice); records outside run A's
// plan cannot be paired anyway.
Result<std::vector<SampleRecord>> planned_records(const std::filesystem::path& run,
                                                  const runner::EvalPlan& plan) {
    BIOMEDQ_ASSIGN(runner::PlannedSamples planned,
                   runner::load_planned_samples(run / "samples.jsonl", plan));
    std::vector<SampleRecord> records;
    for (auto& [task, task_records] : planned.by_task) {
        for (auto& r : task_records) records.push_back(std::move(r));
    }
    return records;
}

// The task's metrics, B - A with CI and p, into its JSON and the printed table.
Status compare_task(const TaskConfig& task, const PairedTask& p, int bootstrap_resamples,
                    std::uint64_t seed, nlohmann::json& task_json, std::string& table) {
    MetricOptions options = metric_options_of(task);
    options.bootstrap_resamples = bootstrap_resamples;
    options.seed = seed;
    const double agreement = task_json["agreement"].get<double>();
    for (const auto& metric : task.metrics) {
        BIOMEDQ_ASSIGN(PairedDifference d, paired_bootstrap(metric, p.gold, p.a, p.b, options));
        // The same test as the report's mark (p < 0.05), worded by the sign of B - A.
        const std::string label = significance_label(d.difference, d.p_value < kSignificanceLevel);
        task_json["metrics"].push_back(
            {{"name", metric},
             {"value_a", d.value_a},
             {"value_b", d.value_b},
             {"difference", d.difference},
             {"ci_low", d.ci_low},
             {"ci_high", d.ci_high},
             {"p_value", d.p_value},
             {"significance", label.empty() ? "not significant" : label}});
        table += fmt::format(
            "{:<14} {:<22} {:>8.3f} {:>8.3f} {:>+9.3f} {:>20} {:>8.4f} {:>6.1f}% {:>6}  {}\n",
            task.name, metric, d.value_a, d.value_b, d.difference,
            fmt::format("[{:+.3f}, {:+.3f}]", d.ci_low, d.ci_high), d.p_value, 100.0 * agreement,
            p.gold.size(), label.empty() ? "-" : label);
    }
    return Status::success();
}

}  // namespace

Result<Comparison> compare_runs(const std::filesystem::path& run_a,
                                const std::filesystem::path& run_b, int bootstrap_resamples,
                                std::uint64_t seed) {
    BIOMEDQ_ASSIGN(const RunRecord results_a, read_run_record(run_a));
    BIOMEDQ_ASSIGN(const RunRecord results_b, read_run_record(run_b));
    const std::string& protocol_a = results_a.protocol();
    const std::string& protocol_b = results_b.protocol();
    if (protocol_a != protocol_b) {
        // Different prompts, reply formats and metric definitions: a difference would measure the
        // protocols, not the models.
        return make_error(
            ErrorCode::kInvalidArgument,
            fmt::format(
                "{} follows protocol {} and {} protocol {}: their scores are not comparable; "
                "compare runs of one protocol",
                run_a.string(), protocol_a, run_b.string(), protocol_b));
    }
    BIOMEDQ_ASSIGN(runner::EvalPlan plan,
                   runner::plan_eval(runner::config_of_run(results_a, run_a)));
    BIOMEDQ_ASSIGN(const auto records_a, planned_records(run_a, plan));
    BIOMEDQ_ASSIGN(const auto records_b, planned_records(run_b, plan));
    std::map<std::pair<std::string, std::string>, const SampleRecord*> in_b;
    for (const auto& r : records_b) in_b[{r.task, r.id}] = &r;

    Comparison out;
    out.json = {{"run_a", run_a.string()},
                {"run_b", run_b.string()},
                {"protocol", protocol_a},
                {"tasks", nlohmann::json::object()}};
    out.table =
        fmt::format("{:<14} {:<22} {:>8} {:>8} {:>9} {:>20} {:>8} {:>7} {:>6}  {}\n", "task",
                    "metric", "A", "B", "B-A", "95% CI", "p", "agree", "n", "B vs A");
    for (const auto& tp : plan.tasks) {
        const PairedTask p = pair_task(tp.task.name, records_a, in_b);
        const double n = static_cast<double>(p.gold.size());
        nlohmann::json task_json = {
            {"n_paired", p.gold.size()},
            {"agreement", p.gold.empty() ? 0.0 : static_cast<double>(p.n_agree) / n},
            {"metrics", nlohmann::json::array()}};
        if (!p.gold.empty()) {
            BIOMEDQ_TRY(compare_task(tp.task, p, bootstrap_resamples, seed, task_json, out.table));
        }
        out.json["tasks"][tp.task.name] = task_json;
    }
    out.table +=
        "(B vs A: significant gain = B better than A, significant loss = B worse, at p < 0.05; "
        "- = not significant)\n";
    return out;
}

}  // namespace biomedq
