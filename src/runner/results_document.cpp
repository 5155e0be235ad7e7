#include "runner/results_document.h"

#include <fmt/format.h>
#include <map>

#include "core/file_io.h"
#include "runner/device_overhead.h"
#include "runner/environment.h"
#include "runner/parallel_choice.h"
#include "runner/planned_samples.h"
#include "runner/run_directory.h"
#include "runner/sample_log.h"
#include "runner/task_scoring.h"

namespace biomedq::runner {
namespace {

nlohmann::json memory_section(const SessionMeasurements& s) {
    nlohmann::json buffers = nlohmann::json::array();
    std::uint64_t weights = 0, kv = 0, compute = 0, output = 0;
    for (const auto& b : s.buffers) {
        buffers.push_back({{"buffer", b.buffer},
                           {"bytes_weights", b.bytes_weights},
                           {"bytes_kv", b.bytes_kv},
                           {"bytes_compute", b.bytes_compute},
                           {"bytes_output", b.bytes_output}});
        weights += b.bytes_weights;
        kv += b.bytes_kv;
        compute += b.bytes_compute;
        output += b.bytes_output;
    }
    nlohmann::json devices = nlohmann::json::array();
    const auto overheads = device_overheads(s.buffers, s.devices);
    std::uint64_t device_overhead = 0;
    for (std::size_t i = 0; i < s.devices.size(); ++i) {
        const auto& d = s.devices[i];
        const auto& o = overheads[i];
        const std::uint64_t peak = d.bytes_free_before_load > d.bytes_free_min ? d.bytes_free_before_load - d.bytes_free_min : 0;
        device_overhead += o.bytes_device_overhead;
        devices.push_back({{"name", d.name},
                           {"description", d.description},
                           {"bytes_total", d.bytes_total},
                           {"bytes_peak_used", peak},
                           {"bytes_buffers", o.bytes_buffers},
                           {"bytes_in_use_at_load", o.bytes_in_use_at_load},
                           {"bytes_device_overhead", o.bytes_device_overhead},
                           {"bytes_run_growth", o.bytes_run_growth},
                           {"source", "driver free-memory readings (includes other processes' changes)"}});
    }
    nlohmann::json memory = {{"buffers", buffers},
            {"bytes_weights", weights},
            {"bytes_kv", kv},
            {"bytes_compute", compute},
            {"bytes_output", output},
            {"bytes_total_allocated", weights + kv + compute + output},
            {"devices", devices},
            {"host_peak_rss_bytes", s.host_peak_rss_bytes},
            {"source", s.memory_source},
            {"bytes_device_overhead", device_overhead}};
    if (const std::string why = no_device_overhead_reason(s.devices); !why.empty()) {
        memory["device_overhead_reason"] = why;
    }
    return memory;
}

nlohmann::json speed_section(const SessionMeasurements& s) {
    const auto& e = s.engine_stats;
    const double gen_s = s.t_generate_ms / 1000.0;
    const double decode_s = e.t_decode_ms / 1000.0;
    auto per_s = [](double n, double seconds) { return seconds > 0 ? n / seconds : 0.0; };
    return {{"backend", s.backend},
            {"n_examples", s.n_examples},
            {"parallel", s.parallel},
            {"t_wall_ms", s.t_wall_ms},
            {"t_load_ms", e.t_load_ms},
            {"t_eval_ms", s.t_generate_ms},
            {"t_decode_ms", e.t_decode_ms},
            {"n_decode_calls", e.n_decode_calls},
            {"n_tokens_prompt", e.n_tokens_prompt},
            {"n_tokens_generated", e.n_tokens_generated},
            {"examples_per_s", per_s(static_cast<double>(s.n_examples), gen_s)},
            {"prompt_tokens_per_s", per_s(static_cast<double>(e.n_tokens_prompt), gen_s)},
            {"generated_tokens_per_s", per_s(static_cast<double>(e.n_tokens_generated), gen_s)},
            // Share of the evaluation loop spent outside llama_decode (our scheduling, parsing, logging).
            {"overhead_fraction", s.t_generate_ms > 0 ? std::max(0.0, 1.0 - decode_s / gen_s) : 0.0}};
}

// The evaluated split's caveat from the task config, e.g. ChemProt's --subset all: its test set is a
// reconstruction, which whoever reads the score must know.
std::string test_set_note(const TaskConfig& task, const std::string& subset) {
    const auto split = task.data.splits.find(split_of_subset(task, subset));
    return split == task.data.splits.end() ? std::string() : split->second.note;
}

struct ScoredTasks {
    nlohmann::json tasks;
    SampleRepairs repairs;
};

// Each planned example is scored from its one record (planned_samples.h), so n_examples can never
// exceed n_selected and "complete" means every selected example has an answer.
Result<ScoredTasks> score_tasks(const EvalPlan& plan, const std::filesystem::path& run_dir, int resamples,
                                std::uint64_t seed, const std::string& subset) {
    BIOMEDQ_ASSIGN(PlannedSamples samples, load_planned_samples(run_dir / "samples.jsonl", plan));
    ScoredTasks out;
    out.tasks = nlohmann::json::object();
    for (const auto& tp : plan.tasks) {
        BIOMEDQ_ASSIGN(auto section, score_task(tp.task, samples.by_task[tp.task.name], resamples, seed));
        section["n_selected"] = tp.examples.size();
        section["complete"] = section["n_examples"].get<std::size_t>() == tp.examples.size();
        if (const std::string note = test_set_note(tp.task, subset); !note.empty()) section["test_set_note"] = note;
        out.tasks[tp.task.name] = section;
    }
    out.repairs = std::move(samples.repairs);
    return out;
}

bool all_complete(const nlohmann::json& tasks) {
    for (const auto& [name, t] : tasks.items()) {
        if (!t.value("complete", false)) return false;
    }
    return true;
}

// Partial lines cut by earlier sessions: the cut line is gone from the log, so only results.json
// remembers it.
std::uint64_t partial_bytes_before(const nlohmann::json& previous) {
    if (!previous.is_object() || !previous.contains("repairs") || !previous["repairs"].is_object()) return 0;
    const auto& bytes = previous["repairs"].value("partial_last_line_bytes", nlohmann::json(0));
    return bytes.is_number_unsigned() ? bytes.get<std::uint64_t>() : 0;
}

}  // namespace

Result<nlohmann::json> build_results_document(const ResultsInputs& in, const std::filesystem::path& run_dir) {
    nlohmann::json doc;
    nlohmann::json previous;
    if (auto text = read_file(run_dir / "results.json"); text.ok()) {
        previous = nlohmann::json::parse(text.value(), nullptr, false);
        if (previous.is_discarded()) previous = nlohmann::json();
    }
    doc["schema_version"] = kResultsSchemaVersion;
    doc["environment"] = describe_environment(in.session.devices);
    doc["model"] = {{"path", in.config.model_path},
                    {"sha256", in.model_sha256},
                    {"architecture", in.model.arch},
                    {"name", in.model.name},
                    {"description", in.session.model_description},
                    {"quant_type", in.model.file_type_name},
                    {"dominant_tensor_type", in.model.dominant_tensor_type},
                    {"bits_per_weight", in.model.bits_per_weight},
                    {"n_params", in.model.n_params},
                    {"bytes_file", in.model.bytes_file}};
    BIOMEDQ_ASSIGN(const std::optional<BatchShape> run_shape, read_batch_shape(run_dir));
    nlohmann::json resolved = in.identity;
    resolved["parallel"] = run_shape ? run_shape->parallel : in.session.parallel;
    resolved["parallel_requested"] = in.config.parallel;
    resolved["gpu_layers"] = in.config.gpu_layers;
    resolved["kv_type"] = in.config.kv_type;
    resolved["threads"] = in.config.threads;
    resolved["bootstrap_resamples"] = in.config.bootstrap_resamples;
    resolved["data_dir"] = in.plan.data_dir.string();
    resolved["tasks_dir"] = in.plan.tasks_dir.string();
    doc["config"] = {{"resolved", resolved}, {"hash", identity_hash(in.identity)}};
    if (run_shape) doc["config"]["batch_shape"] = batch_shape_to_json(*run_shape);
    if (auto choice = read_parallel_choice(run_dir); !choice.is_null()) doc["config"]["parallel_choice"] = choice;
    doc["seed"] = in.config.seed;
    doc["protocol"] = in.config.protocol;
    BIOMEDQ_ASSIGN(ScoredTasks scored, score_tasks(in.plan, run_dir, in.config.bootstrap_resamples, in.config.seed,
                                                          in.config.subset));
    doc["tasks"] = std::move(scored.tasks);
    doc["complete"] = all_complete(doc["tasks"]);
    scored.repairs.n_partial_line_bytes += in.session.n_partial_line_bytes_cut;
    doc["repairs"] = repairs_to_json(scored.repairs, partial_bytes_before(previous));
    const bool ran = in.session.n_examples > 0;
    if (!ran && previous.is_object() && previous.contains("memory")) {
        doc["memory"] = previous["memory"];
        doc["speed"] = previous["speed"];
    } else {
        doc["memory"] = memory_section(in.session);
        doc["speed"] = speed_section(in.session);
    }
    nlohmann::json sessions = previous.is_object() && previous.contains("sessions") ? previous["sessions"] : nlohmann::json::array();
    sessions.push_back({{"started_at", in.session.started_at},
                        {"finished_at", in.session.finished_at},
                        {"n_examples_run", in.session.n_examples},
                        {"n_examples_unanswered", in.session.n_examples_unanswered}});
    if (in.session.batch_shape) sessions.back()["batch_shape"] = batch_shape_to_json(*in.session.batch_shape);
    doc["sessions"] = sessions;
    return doc;
}

Result<nlohmann::json> rescore_document(nlohmann::json document, const EvalPlan& plan,
                                        const std::filesystem::path& run_dir, std::uint64_t partial_line_bytes_dropped) {
    const auto& resolved = document["config"]["resolved"];
    const int resamples = resolved.value("bootstrap_resamples", 1000);
    const auto seed = document.value("seed", std::uint64_t{1234});
    const std::string subset = resolved.value("subset", std::string("sample200"));
    BIOMEDQ_ASSIGN(ScoredTasks scored, score_tasks(plan, run_dir, resamples, seed, subset));
    document["tasks"] = std::move(scored.tasks);
    document["complete"] = all_complete(document["tasks"]);
    scored.repairs.n_partial_line_bytes += partial_line_bytes_dropped;
    const std::uint64_t before = partial_bytes_before(document);
    document["repairs"] = repairs_to_json(scored.repairs, before);
    return document;
}

namespace {

// "0.812 [0.771, 0.850]"
std::string score_with_ci(const nlohmann::json& metric) {
    return fmt::format("{:.3f} [{:.3f}, {:.3f}]", metric["value"].get<double>(), metric["ci_low"].get<double>(),
                       metric["ci_high"].get<double>());
}

// What to read beside the primary metric. The metrics a paper reports under its own name (e.g.
// PubMedQA accuracy in biomedq's protocol, whose primary metric is macro-F1); and when the primary metric
// is itself a published one (--protocol chen2025), biomedq's sound metric that follows it in the task's
// list, so a published quirk is never read alone.
std::string beside_column(const nlohmann::json& task) {
    std::string out;
    const auto add = [&](const std::string& label, const nlohmann::json& m) {
        out += fmt::format("{}{} {:.3f}", out.empty() ? "" : "; ", label, m["value"].get<double>());
    };
    bool primary_published = false;
    for (const auto& m : task["metrics"]) {
        if (m["name"] == task["primary_metric"]) {
            primary_published = m.contains("published_name");
        } else if (m.contains("published_name")) {
            add(m["published_name"].get<std::string>(), m);
        }
    }
    if (primary_published) {
        for (const auto& m : task["metrics"]) {
            if (m["name"] == task["primary_metric"] || m.contains("published_name")) continue;
            add("biomedq " + m["name"].get<std::string>(), m);
            break;
        }
    }
    return out.empty() ? "-" : out;
}

}  // namespace

std::string summary_table(const nlohmann::json& doc) {
    const std::string protocol = doc.value("protocol", std::string("biomedq"));
    std::string out = fmt::format("protocol: {}{}\n", protocol,
                                  protocol == "chen2025" ? " (the published prompts and metrics of Chen et al. 2025)"
                                                         : " (biomedq's own prompts and metrics)");
    out += fmt::format("{:<14} {:>8}  {:<34} {:>26} {:>8}  {}\n", "task", "examples", "metric", "score [95% CI]",
                       "invalid", "beside it");
    for (const auto& [name, t] : doc["tasks"].items()) {
        std::string metric = "-", score = "-";
        for (const auto& m : t["metrics"]) {
            if (m["name"] != t["primary_metric"]) continue;
            metric = m.contains("published_name") ? m["published_name"].get<std::string>() : m["name"].get<std::string>();
            score = score_with_ci(m);
        }
        out += fmt::format("{:<14} {:>8}  {:<34} {:>26} {:>7.1f}%  {}\n", name, t["n_examples"].get<std::size_t>(),
                           metric, score, 100.0 * t["invalid_rate"].get<double>(), beside_column(t));
    }
    for (const auto& [name, t] : doc["tasks"].items()) {
        if (t.contains("test_set_note")) out += fmt::format("note: {} test set: {}\n", name, t["test_set_note"].get<std::string>());
    }
    return out;
}

}  // namespace biomedq::runner
