#include "runner/results_document.h"

#include <fmt/format.h>

#include "runner/device_overhead.h"
#include "runner/environment.h"
#include "runner/parallel_choice.h"
#include "runner/planned_samples.h"
#include "runner/run_directory.h"
#include "runner/task_scoring.h"

namespace biomedq::runner {
namespace {

MemoryRecord memory_of(const SessionMeasurements& s) {
    MemoryRecord m;
    for (const auto& b : s.measured.buffers) {
        m.buffers.push_back(
            {b.buffer, b.bytes_weights, b.bytes_kv, b.bytes_compute, b.bytes_output});
        m.bytes_weights += b.bytes_weights;
        m.bytes_kv += b.bytes_kv;
        m.bytes_compute += b.bytes_compute;
        m.bytes_output += b.bytes_output;
    }
    m.bytes_total_allocated = m.bytes_weights + m.bytes_kv + m.bytes_compute + m.bytes_output;
    const auto overheads = device_overheads(s.measured.buffers, s.measured.devices);
    for (std::size_t i = 0; i < s.measured.devices.size(); ++i) {
        const auto& d = s.measured.devices[i];
        const auto& o = overheads[i];
        DeviceRecord device;
        device.name = d.name;
        device.description = d.description;
        device.bytes_total = d.bytes_total;
        device.bytes_peak_used = d.bytes_free_before_load > d.bytes_free_min
                                     ? d.bytes_free_before_load - d.bytes_free_min
                                     : 0;
        device.bytes_buffers = o.bytes_buffers;
        device.bytes_in_use_at_load = o.bytes_in_use_at_load;
        device.bytes_device_overhead = o.bytes_device_overhead;
        device.bytes_run_growth = o.bytes_run_growth;
        device.source = "driver free-memory readings (includes other processes' changes)";
        m.bytes_device_overhead += o.bytes_device_overhead;
        m.devices.push_back(std::move(device));
    }
    m.host_peak_rss_bytes = s.host_peak_rss_bytes;
    m.source = s.measured.memory_source;
    m.device_overhead_reason = no_device_overhead_reason(s.measured.devices);
    return m;
}

SpeedRecord speed_of(const SessionMeasurements& s) {
    const auto& e = s.measured.stats;
    const double gen_s = s.t_generate_ms / 1000.0;
    const double decode_s = e.t_decode_ms / 1000.0;
    auto per_s = [](double n, double seconds) { return seconds > 0 ? n / seconds : 0.0; };
    // Counted by the in-process engine only (the one backend that says whether it reuses).
    auto in_process = [&s](std::uint64_t n) {
        return s.measured.prefix_reuse ? std::optional(n) : std::nullopt;
    };
    return SpeedRecord{
        .backend = s.measured.backend,
        .n_examples = s.n_examples,
        .parallel = s.parallel,
        .t_wall_ms = s.t_wall_ms,
        .t_load_ms = e.t_load_ms,
        .t_generate_ms = s.t_generate_ms,
        .t_decode_ms = e.t_decode_ms,
        .n_decode_calls = static_cast<std::uint64_t>(e.n_decode_calls),
        .n_tokens_prompt = e.n_tokens_prompt,
        .n_tokens_generated = e.n_tokens_generated,
        .prefix_reuse = s.measured.prefix_reuse,
        .n_tokens_prompt_computed = in_process(e.n_tokens_prompt_computed),
        .n_tokens_sampled_on_device = in_process(e.n_tokens_sampled_on_device),
        .examples_per_s = per_s(static_cast<double>(s.n_examples), gen_s),
        .prompt_tokens_per_s = per_s(static_cast<double>(e.n_tokens_prompt), gen_s),
        .generated_tokens_per_s = per_s(static_cast<double>(e.n_tokens_generated), gen_s),
        // Share of the evaluation loop spent outside llama_decode (scheduling, parsing, logging).
        .overhead_fraction = s.t_generate_ms > 0 ? std::max(0.0, 1.0 - decode_s / gen_s) : 0.0};
}

// The evaluated split's caveat from the task config, e.g. ChemProt's --subset all: its test set is
// a reconstruction, which whoever reads the score must know.
std::string test_set_note(const TaskConfig& task, const std::string& subset) {
    const auto split = task.data.splits.find(split_of_subset(task, subset));
    return split == task.data.splits.end() ? std::string() : split->second.note;
}

// Each planned example is scored from its one record (planned_samples.h), so n_examples can never
// exceed n_selected and "complete" means every selected example has an answer. Sets the run's
// tasks, completeness and repairs (adding this time's repairs to what earlier sessions recorded).
Status score_tasks(RunRecord& run, const EvalPlan& plan, const std::filesystem::path& run_dir,
                   int resamples, std::uint64_t partial_line_bytes) {
    BIOMEDQ_ASSIGN(PlannedSamples samples, load_planned_samples(run_dir / "samples.jsonl", plan));
    run.tasks.clear();
    run.complete = true;
    for (const auto& tp : plan.tasks) {
        BIOMEDQ_ASSIGN(TaskResult t, score_task(tp.task, samples.by_task[tp.task.name], resamples,
                                                run.spec.seed));
        t.n_selected = tp.examples.size();
        t.complete = t.n_examples == tp.examples.size();
        t.test_set_note = test_set_note(tp.task, run.spec.subset);
        run.complete = run.complete && t.complete;
        run.tasks[tp.task.name] = std::move(t);
    }
    // Partial lines cut by earlier sessions are gone from the log: only results.json remembers
    // them.
    const std::uint64_t before = run.repairs.n_partial_line_bytes;
    run.repairs = std::move(samples.repairs);
    run.repairs.n_partial_line_bytes += before + partial_line_bytes;
    return Status::success();
}

ModelRecord model_record(const ResultsInputs& in) {
    return ModelRecord{.path = in.config.model_path,
                       .sha256 = in.model_sha256,
                       .arch = in.model.arch,
                       .name = in.model.name,
                       .description = in.session.measured.model_description,
                       .quant_type = in.model.file_type_name,
                       .dominant_tensor_type = in.model.dominant_tensor_type,
                       .bits_per_weight = in.model.bits_per_weight,
                       .n_params = in.model.n_params,
                       .bytes_file = in.model.bytes_file};
}

// config.resolved beside the spec: the identity's hashes and how this invocation ran.
nlohmann::json resolved_extra(const ResultsInputs& in, int parallel) {
    nlohmann::json extra = in.identity;
    const nlohmann::json spec = to_json(static_cast<const EvalSpec&>(in.config));
    for (const auto& [key, value] : spec.items()) extra.erase(key);
    extra["parallel"] = parallel;
    extra["parallel_requested"] = in.config.parallel;
    extra["gpu_layers"] = in.config.gpu_layers;
    extra["threads"] = in.config.threads;
    extra["bootstrap_resamples"] = in.config.bootstrap_resamples;
    extra["data_dir"] = in.plan.data_dir.string();
    extra["tasks_dir"] = in.plan.tasks_dir.string();
    return extra;
}

}  // namespace

Result<RunRecord> build_run_record(const ResultsInputs& in, const std::filesystem::path& run_dir) {
    // What earlier sessions recorded; an unreadable results.json is rebuilt from the log.
    auto previous = read_run_record(run_dir);
    RunRecord run;
    run.environment = describe_environment(in.session.measured.devices);
    run.model = model_record(in);
    run.spec = static_cast<const EvalSpec&>(in.config);
    BIOMEDQ_ASSIGN(const std::optional<BatchShape> run_shape, read_batch_shape(run_dir));
    run.resolved_extra = resolved_extra(in, run_shape ? run_shape->parallel : in.session.parallel);
    run.config_hash = identity_hash(in.identity);
    if (run_shape) run.batch_shape = batch_shape_to_json(*run_shape);
    run.parallel_choice = read_parallel_choice(run_dir);
    if (previous.ok()) run.repairs.n_partial_line_bytes = previous->repairs.n_partial_line_bytes;
    BIOMEDQ_TRY(score_tasks(run, in.plan, run_dir, in.config.bootstrap_resamples,
                            in.session.n_partial_line_bytes_cut));
    if (in.session.n_examples == 0 && previous.ok() && previous->memory) {
        run.memory = previous->memory;
        run.speed = previous->speed;
    } else {
        run.memory = memory_of(in.session);
        run.speed = speed_of(in.session);
    }
    if (previous.ok()) run.sessions = previous->sessions;
    SessionRecord session{in.session.started_at, in.session.finished_at, in.session.n_examples,
                          in.session.n_examples_unanswered, nullptr};
    if (in.session.batch_shape) session.batch_shape = batch_shape_to_json(*in.session.batch_shape);
    run.sessions.push_back(std::move(session));
    return run;
}

Status rescore_run_record(RunRecord& run, const EvalPlan& plan,
                          const std::filesystem::path& run_dir,
                          std::uint64_t partial_line_bytes_dropped) {
    return score_tasks(run, plan, run_dir, run.resolved_int("bootstrap_resamples", 1000),
                       partial_line_bytes_dropped);
}

namespace {

// "0.812 [0.771, 0.850]"
std::string score_with_ci(const MetricValue& metric) {
    return fmt::format("{:.3f} [{:.3f}, {:.3f}]", metric.value, metric.ci_low, metric.ci_high);
}

// What to read beside the primary metric. The metrics a paper reports under its own name (e.g.
// PubMedQA accuracy in biomedq's protocol, whose primary metric is macro-F1); and when the primary
// metric is itself a published one (--protocol chen2025), biomedq's sound metric that follows it in
// the task's list, so a published quirk is never read alone.
std::string beside_column(const TaskResult& task) {
    std::string out;
    const auto add = [&](const std::string& label, const MetricValue& m) {
        out += fmt::format("{}{} {:.3f}", out.empty() ? "" : "; ", label, m.value);
    };
    const auto published = [&](const MetricValue& m) {
        return task.published_metric_names.count(m.name) > 0;
    };
    const bool primary_published = task.published_metric_names.count(task.primary_metric) > 0;
    for (const auto& m : task.metrics) {
        if (m.name != task.primary_metric && published(m))
            add(task.published_metric_names.at(m.name), m);
    }
    if (primary_published) {
        for (const auto& m : task.metrics) {
            if (m.name == task.primary_metric || published(m)) continue;
            add("biomedq " + m.name, m);
            break;
        }
    }
    return out.empty() ? "-" : out;
}

}  // namespace

std::string summary_table(const RunRecord& run) {
    const std::string& protocol = run.protocol();
    std::string out = fmt::format("protocol: {}{}\n", protocol,
                                  protocol == "chen2025"
                                      ? " (the published prompts and metrics of Chen et al. 2025)"
                                      : " (biomedq's own prompts and metrics)");
    out += fmt::format("{:<14} {:>8}  {:<34} {:>26} {:>8}  {}\n", "task", "examples", "metric",
                       "score [95% CI]", "invalid", "beside it");
    for (const auto& [name, t] : run.tasks) {
        std::string metric = "-", score = "-";
        if (const MetricValue* m = t.primary()) {
            const auto published = t.published_metric_names.find(m->name);
            metric = published != t.published_metric_names.end() ? published->second : m->name;
            score = score_with_ci(*m);
        }
        out += fmt::format("{:<14} {:>8}  {:<34} {:>26} {:>7.1f}%  {}\n", name, t.n_examples,
                           metric, score, 100.0 * t.invalid_rate, beside_column(t));
    }
    for (const auto& [name, t] : run.tasks) {
        if (!t.test_set_note.empty())
            out += fmt::format("note: {} test set: {}\n", name, t.test_set_note);
    }
    return out;
}

}  // namespace biomedq::runner
