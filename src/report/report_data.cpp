// Runs -> report rows: scores, differences to full precision, memory saved, the Pareto frontier.
#include <cctype>
#include <map>
#include <set>

#include "biomedq/report.h"
#include "report/reference_run.h"

namespace biomedq {

namespace {

// The fidelity row of a model file: the one measured over the most tokens (then the latest).
const QuantFidelity* fidelity_of(const std::vector<QuantFidelity>& fidelity,
                                 const std::string& model_sha256) {
    if (model_sha256.empty()) return nullptr;
    const QuantFidelity* best = nullptr;
    for (const auto& f : fidelity) {
        if (f.model_sha256 != model_sha256) continue;
        if (!best || f.n_tokens > best->n_tokens ||
            (f.n_tokens == best->n_tokens && f.measured_at > best->measured_at)) {
            best = &f;
        }
    }
    return best;
}

// A run's row for one task, without the comparison to its full-precision reference.
ReportRow task_row(const StoredRun& run, const StoredTask* task, const std::string& task_name,
                   const std::vector<QuantFidelity>& fidelity) {
    ReportRow row{.task = task_name,
                  .model = run.model_name,
                  .quant_type = run.quant_type,
                  .kv_type = run.kv_type,
                  .prompt = run.prompt,
                  .run_dir = run.run_dir,
                  .bits_per_weight = run.bits_per_weight,
                  .metric = task->primary_metric,
                  .n_examples = task->n_examples,
                  .invalid_rate = task->invalid_rate,
                  .bytes_weights = run.bytes_weights,
                  .bytes_kv = run.bytes_kv,
                  .bytes_compute = run.bytes_compute,
                  .bytes_peak = run.bytes_peak,
                  .examples_per_s = run.examples_per_s,
                  .generated_tokens_per_s = run.generated_tokens_per_s,
                  .test_set_note = task->test_set_note};
    if (const MetricValue* m = task->primary()) {
        row.score = m->value;
        row.ci_low = m->ci_low;
        row.ci_high = m->ci_high;
    }
    if (const QuantFidelity* f =
            run.full_precision() ? nullptr : fidelity_of(fidelity, run.model_sha256)) {
        row.has_fidelity = true;
        row.kl_mean = f->kl_mean;
        row.kl_mean_se = f->kl_mean_se;
        row.top1_agreement = f->top1_agreement;
        row.top1_se = f->top1_se;
    }
    return row;
}

// The row's difference to the full-precision run of the same model and task (none for the
// reference itself), and the memory it saves.
Status compare_with_reference(ReportRow& row, const std::vector<StoredRun>& runs,
                              const StoredRun& run, const StoredTask* task,
                              const std::string& task_name, const ReportOptions& options) {
    const StoredRun* ref = report::full_precision_reference(runs, run);
    row.is_reference = ref == &run;
    if (ref && !row.is_reference) {
        if (const StoredTask* ref_task = ref->task(task_name)) {
            BIOMEDQ_ASSIGN(auto paired,
                           report::paired_against_reference(
                               *ref_task, *task, options.bootstrap_resamples, options.seed));
            row.has_reference = paired.n_paired > 0;
            row.n_paired = paired.n_paired;
            row.difference = paired.difference.difference;
            row.difference_ci_low = paired.difference.ci_low;
            row.difference_ci_high = paired.difference.ci_high;
            row.p_value = paired.difference.p_value;
            row.significant = row.has_reference && row.p_value < options.alpha;
        }
        if (ref->bytes_peak > 0) {
            row.memory_saved =
                1.0 - static_cast<double>(run.bytes_peak) / static_cast<double>(ref->bytes_peak);
        }
    }
    return Status::success();
}

// The task names, sorted, and each task's metric definitions and published names.
void collect_tasks(const std::vector<StoredRun>& runs, ReportData& data) {
    std::set<std::string> tasks;
    for (const auto& run : runs) {
        for (const auto& t : run.tasks) {
            tasks.insert(t.task);
            for (const auto& [metric, definition] : t.metric_definitions) {
                data.metric_definitions[t.task][metric] = definition;
            }
            for (const auto& [metric, name] : t.published_metric_names) {
                data.published_metric_names[t.task][metric] = name;
            }
        }
    }
    data.tasks.assign(tasks.begin(), tasks.end());
}

}  // namespace

Result<ReportData> build_report_data(const std::vector<StoredRun>& runs,
                                     const ReportOptions& options) {
    return build_report_data(runs, {}, options);
}

Result<ReportData> build_report_data(const std::vector<StoredRun>& runs,
                                     const std::vector<QuantFidelity>& fidelity,
                                     const ReportOptions& options) {
    ReportData data;
    data.fidelity = fidelity;
    BIOMEDQ_TRY(check_single_protocol(runs));
    if (!runs.empty()) data.protocol = runs.front().protocol;
    collect_tasks(runs, data);
    for (const auto& task_name : data.tasks) {
        const std::size_t first = data.rows.size();
        for (const auto& run : runs) {
            const StoredTask* task = run.task(task_name);
            if (!task) continue;
            ReportRow row = task_row(run, task, task_name, fidelity);
            BIOMEDQ_TRY(compare_with_reference(row, runs, run, task, task_name, options));
            data.rows.push_back(std::move(row));
        }
        std::vector<ParetoPoint> points;
        for (std::size_t i = first; i < data.rows.size(); ++i) {
            points.push_back({static_cast<double>(data.rows[i].bytes_peak), data.rows[i].score});
        }
        for (const std::size_t i : pareto_frontier(points)) data.rows[first + i].on_frontier = true;
    }
    data.provenance = report_provenance(runs, data.protocol);
    for (const auto& run : runs) {
        StoredRun copy = run;
        for (auto& t : copy.tasks) t.samples.clear();
        data.runs.push_back(std::move(copy));
    }
    return data;
}

bool split_over_devices(const StoredRun& run) {
    int n = 0;
    for (const auto& d : run.devices) {
        if (d.device != "host" && d.bytes_weights > 0) ++n;
    }
    return n >= 2;
}

std::string quant_display(const std::string& quant_type, const std::string& kv_type) {
    std::string out = quant_type;
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return kv_type.empty() || kv_type == "f16" ? out : out + ", KV " + kv_type;
}

}  // namespace biomedq
