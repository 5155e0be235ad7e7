// compare: paired differences between two runs on the examples both finished.
#include <fmt/format.h>

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
    // Each example once per run (a repeated record would be paired twice); records outside run A's
    // plan cannot be paired anyway.
    std::vector<SampleRecord> records_a, records_b;
    for (const auto& [run, records] :
         {std::pair{&run_a, &records_a}, std::pair{&run_b, &records_b}}) {
        BIOMEDQ_ASSIGN(runner::PlannedSamples planned,
                       runner::load_planned_samples(*run / "samples.jsonl", plan));
        for (auto& [task, task_records] : planned.by_task) {
            for (auto& r : task_records) records->push_back(std::move(r));
        }
    }

    using Key = std::pair<std::string, std::string>;
    std::map<Key, const SampleRecord*> in_b;
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
        std::vector<std::pair<std::size_t, std::pair<const SampleRecord*, const SampleRecord*>>>
            paired;
        for (const auto& r : records_a) {
            if (r.task != tp.task.name) continue;
            auto found = in_b.find({tp.task.name, r.id});
            if (found != in_b.end()) paired.push_back({r.index, {&r, found->second}});
        }
        std::sort(paired.begin(), paired.end(),
                  [](const auto& x, const auto& y) { return x.first < y.first; });
        std::vector<Gold> gold;
        std::vector<Prediction> pa, pb;
        std::size_t agree = 0;
        for (const auto& [index, pair] : paired) {
            if (same_answer(pair.first->parsed, pair.second->parsed)) ++agree;
            gold.push_back(pair.first->gold);
            pa.push_back(pair.first->parsed);
            pb.push_back(pair.second->parsed);
        }
        nlohmann::json task_json = {
            {"n_paired", gold.size()},
            {"agreement",
             gold.empty() ? 0.0 : static_cast<double>(agree) / static_cast<double>(gold.size())},
            {"metrics", nlohmann::json::array()}};
        if (!gold.empty()) {
            MetricOptions options = metric_options_of(tp.task);
            options.bootstrap_resamples = bootstrap_resamples;
            options.seed = seed;
            for (const auto& metric : tp.task.metrics) {
                BIOMEDQ_ASSIGN(PairedDifference d, paired_bootstrap(metric, gold, pa, pb, options));
                // The same test as the report's mark (p < 0.05), worded by the sign of B - A.
                const std::string label =
                    significance_label(d.difference, d.p_value < kSignificanceLevel);
                task_json["metrics"].push_back(
                    {{"name", metric},
                     {"value_a", d.value_a},
                     {"value_b", d.value_b},
                     {"difference", d.difference},
                     {"ci_low", d.ci_low},
                     {"ci_high", d.ci_high},
                     {"p_value", d.p_value},
                     {"significance", label.empty() ? "not significant" : label}});
                out.table += fmt::format(
                    "{:<14} {:<22} {:>8.3f} {:>8.3f} {:>+9.3f} {:>20} {:>8.4f} {:>6.1f}% {:>6}  "
                    "{}\n",
                    tp.task.name, metric, d.value_a, d.value_b, d.difference,
                    fmt::format("[{:+.3f}, {:+.3f}]", d.ci_low, d.ci_high), d.p_value,
                    100.0 * task_json["agreement"].get<double>(), gold.size(),
                    label.empty() ? "-" : label);
            }
        }
        out.json["tasks"][tp.task.name] = task_json;
    }
    out.table +=
        "(B vs A: significant gain = B better than A, significant loss = B worse, at p < 0.05; "
        "- = not significant)\n";
    return out;
}

}  // namespace biomedq
