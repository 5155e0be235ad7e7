// import_run: a run directory (results.json + samples.jsonl) -> a StoredRun -> the store.
#include <algorithm>
#include <map>
#include <optional>

#include "biomedq/store.h"
#include "biomedq/task.h"
#include "core/file_io.h"
#include "runner/sample_log.h"
#include "runner/sample_record.h"
#include "store/device_memory.h"

namespace biomedq {
namespace {

// Reads a field with nlohmann, turning its exceptions into a message naming the file and field.
template <typename T>
Result<T> field(const nlohmann::json& j, const std::string& pointer, const std::filesystem::path& file) {
    try {
        return j.at(nlohmann::json::json_pointer(pointer)).get<T>();
    } catch (const nlohmann::json::exception&) {
        std::string name = pointer.substr(1);
        std::replace(name.begin(), name.end(), '/', '.');
        return make_error(ErrorCode::kParse, file.string() + ": field \"" + name + "\" missing or not a " +
                                                 (std::is_arithmetic_v<T> ? "number" : "string"));
    }
}

template <typename T>
T optional_field(const nlohmann::json& j, const std::string& pointer, T fallback) {
    const nlohmann::json::json_pointer p(pointer);
    if (!j.contains(p)) return fallback;
    try {
        return j.at(p).get<T>();
    } catch (const nlohmann::json::exception&) {
        return fallback;
    }
}

// Label sets come from the task configs the run used (results.json records their directory);
// falls back to the shipped tasks/ when that directory is gone.
Result<std::map<std::string, TaskConfig>> task_configs_of_run(const nlohmann::json& results) {
    std::filesystem::path dir = optional_field<std::string>(results, "/config/resolved/tasks_dir", "");
    if (dir.empty() || !std::filesystem::is_directory(dir)) dir = default_tasks_dir();
    // A protocol's tasks (chen2025) share names with biomedq's but not labels or metrics.
    BIOMEDQ_ASSIGN(auto catalog, load_tasks(dir, optional_field<std::string>(results, "/protocol", "biomedq")));
    auto& tasks = catalog.tasks;
    std::map<std::string, TaskConfig> out;
    for (auto& t : tasks) out[t.name] = std::move(t);
    return out;
}

// Runs written before results.json carried test_set_note: --subset all evaluates the test split, so
// its note in the task config applies (e.g. ChemProt's reconstructed test set).
std::string test_set_note_of(const nlohmann::json& results, const std::string& prefix, const std::string& subset,
                             const TaskConfig* config) {
    std::string note = optional_field<std::string>(results, prefix + "/test_set_note", "");
    if (note.empty() && config && subset == "all") {
        if (auto split = config->data.splits.find("test"); split != config->data.splits.end()) note = split->second.note;
    }
    return note;
}

// One spelling per directory: runs/r1, runs/r1/ and a symlink to it are stored as the same path
// (identity does not depend on it; this keeps the recorded origin readable).
std::filesystem::path resolved_run_dir(const std::filesystem::path& run_dir) {
    std::error_code ec;
    auto dir = std::filesystem::weakly_canonical(std::filesystem::absolute(run_dir), ec);
    if (ec) dir = std::filesystem::absolute(run_dir).lexically_normal();
    if (!dir.has_filename() && dir.has_parent_path()) dir = dir.parent_path();
    return dir;
}

void fill_memory(const nlohmann::json& results, StoredRun& run) {
    run.bytes_weights = optional_field<std::uint64_t>(results, "/memory/bytes_weights", 0);
    run.bytes_kv = optional_field<std::uint64_t>(results, "/memory/bytes_kv", 0);
    run.bytes_compute = optional_field<std::uint64_t>(results, "/memory/bytes_compute", 0);
    run.bytes_total_allocated = optional_field<std::uint64_t>(results, "/memory/bytes_total_allocated", 0);
    run.host_peak_rss_bytes = optional_field<std::uint64_t>(results, "/memory/host_peak_rss_bytes", 0);
    std::uint64_t device_peak = 0;
    if (results.contains(nlohmann::json::json_pointer("/memory/devices"))) {
        for (const auto& d : results["memory"]["devices"]) device_peak += d.value("bytes_peak_used", std::uint64_t{0});
    }
    run.bytes_peak = device_peak > 0 ? device_peak : run.bytes_total_allocated;
    if (results.contains("memory")) run.devices = store::device_memory_of(results["memory"]);
    run.examples_per_s = optional_field<double>(results, "/speed/examples_per_s", 0.0);
    run.prompt_tokens_per_s = optional_field<double>(results, "/speed/prompt_tokens_per_s", 0.0);
    run.generated_tokens_per_s = optional_field<double>(results, "/speed/generated_tokens_per_s", 0.0);
}

}  // namespace

Result<PutRunOutcome> ResultStore::import_run(const std::filesystem::path& run_dir, const ImportOptions& options) {
    const auto dir = resolved_run_dir(run_dir);
    const auto results_path = dir / "results.json";
    BIOMEDQ_ASSIGN(std::string text, read_file(results_path));
    const auto results = nlohmann::json::parse(text, nullptr, false);
    if (results.is_discarded() || !results.is_object()) {
        return make_error(ErrorCode::kParse, results_path.string() + ": not valid JSON");
    }
    StoredRun run;
    run.run_dir = dir.string();
    BIOMEDQ_ASSIGN(run.model_path, field<std::string>(results, "/model/path", results_path));
    BIOMEDQ_ASSIGN(run.model_sha256, field<std::string>(results, "/model/sha256", results_path));
    BIOMEDQ_ASSIGN(run.quant_label, field<std::string>(results, "/model/quant_type", results_path));
    BIOMEDQ_ASSIGN(run.bits_per_weight, field<double>(results, "/model/bits_per_weight", results_path));
    run.n_params = optional_field<std::uint64_t>(results, "/model/n_params", 0);
    run.bytes_file = optional_field<std::uint64_t>(results, "/model/bytes_file", 0);
    run.model_name = options.model_name;
    if (run.model_name.empty()) run.model_name = optional_field<std::string>(results, "/model/name", "");
    if (run.model_name.empty()) run.model_name = std::filesystem::path(run.model_path).stem().string();
    run.quant_type = options.quant_type.empty() ? quant_type_from_names(run.quant_label, run.model_path)
                                                : options.quant_type;
    if (run.quant_type.empty()) {
        return make_error(ErrorCode::kParse, results_path.string() + ": field \"model.quant_type\" (\"" +
                                                 run.quant_label + "\") names no known quantization type; "
                                                 "pass the type explicitly");
    }
    BIOMEDQ_ASSIGN(run.prompt, field<std::string>(results, "/config/resolved/prompt", results_path));
    BIOMEDQ_ASSIGN(run.subset, field<std::string>(results, "/config/resolved/subset", results_path));
    BIOMEDQ_ASSIGN(run.limit, field<int>(results, "/config/resolved/limit", results_path));
    BIOMEDQ_ASSIGN(run.seed, field<std::uint64_t>(results, "/config/resolved/seed", results_path));
    BIOMEDQ_ASSIGN(run.ctx, field<int>(results, "/config/resolved/ctx", results_path));
    BIOMEDQ_ASSIGN(run.config_hash, field<std::string>(results, "/config/hash", results_path));
    run.backend = optional_field<std::string>(results, "/environment/llama_cpp/backend", "");
    run.kv_type = optional_field<std::string>(results, "/config/resolved/kv_type", "f16");
    run.protocol = optional_field<std::string>(results, "/protocol", "biomedq");
    if (results.contains("environment") && results["environment"].is_object()) run.environment = results["environment"];
    if (results.contains("sessions") && results["sessions"].is_array() && !results["sessions"].empty()) {
        run.finished_at = results["sessions"].back().value("finished_at", std::string());
    }
    fill_memory(results, run);

    if (!results.contains("tasks") || !results["tasks"].is_object()) {
        return make_error(ErrorCode::kParse, results_path.string() + ": field \"tasks\" missing or not an object");
    }
    BIOMEDQ_ASSIGN(auto configs_by_task, task_configs_of_run(results));
    const auto samples_path = dir / "samples.jsonl";
    BIOMEDQ_ASSIGN(auto records, runner::read_sample_log(samples_path));
    std::map<std::string, std::vector<StoredSample>> samples_by_task;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& r = records[i];
        const std::string where = samples_path.string() + ": line " + std::to_string(i + 1);
        StoredSample s;
        try {
            s.example_id = r.at("id").get<std::string>();
            s.index = r.value("index", 0);
            s.score = r.value("score", 0.0);
        } catch (const nlohmann::json::exception&) {
            return make_error(ErrorCode::kParse, where + ": field \"id\" missing or not a string");
        }
        if (!r.contains("gold") || !r.contains("parsed") || !r.contains("task")) {
            return make_error(ErrorCode::kParse, where + ": fields \"task\", \"gold\" and \"parsed\" are required");
        }
        auto gold = runner::gold_from_json(r["gold"]);
        if (!gold.ok()) return gold.error().with_context(where);
        auto parsed = runner::prediction_from_json(r["parsed"]);
        if (!parsed.ok()) return parsed.error().with_context(where);
        s.gold = std::move(gold).value();
        s.parsed = std::move(parsed).value();
        samples_by_task[r["task"].get<std::string>()].push_back(std::move(s));
    }
    for (const auto& [name, t] : results["tasks"].items()) {
        const std::string prefix = "/tasks/" + name;
        StoredTask task;
        task.task = name;
        task.kind = optional_field<std::string>(results, prefix + "/kind", "");
        BIOMEDQ_ASSIGN(task.primary_metric, field<std::string>(results, prefix + "/primary_metric", results_path));
        task.n_examples = optional_field<int>(results, prefix + "/n_examples", 0);
        task.n_selected = optional_field<int>(results, prefix + "/n_selected", task.n_examples);
        task.invalid_rate = optional_field<double>(results, prefix + "/invalid_rate", 0.0);
        task.complete = optional_field<bool>(results, prefix + "/complete", false);
        if (t.contains("metrics") && t["metrics"].is_array()) {
            for (std::size_t i = 0; i < t["metrics"].size(); ++i) {
                const std::string mp = prefix + "/metrics/" + std::to_string(i);
                MetricValue m;
                BIOMEDQ_ASSIGN(m.name, field<std::string>(results, mp + "/name", results_path));
                BIOMEDQ_ASSIGN(m.value, field<double>(results, mp + "/value", results_path));
                m.ci_low = optional_field<double>(results, mp + "/ci_low", m.value);
                m.ci_high = optional_field<double>(results, mp + "/ci_high", m.value);
                const std::string published = optional_field<std::string>(results, mp + "/published_name", "");
                if (!published.empty()) task.published_metric_names[m.name] = published;
                task.metric_definitions[m.name] =
                    optional_field<std::string>(results, prefix + "/metric_definitions/" + m.name, metric_definition(m.name));
                task.metrics.push_back(std::move(m));
            }
        }
        const auto config = configs_by_task.find(name);
        if (config != configs_by_task.end()) task.metric_options = metric_options_of(config->second);
        task.test_set_note = test_set_note_of(results, prefix, run.subset,
                                              config != configs_by_task.end() ? &config->second : nullptr);
        task.samples = std::move(samples_by_task[name]);
        std::sort(task.samples.begin(), task.samples.end(),
                  [](const StoredSample& a, const StoredSample& b) { return a.index < b.index; });
        run.tasks.push_back(std::move(task));
    }
    // Sweeps leave the quantized model's fidelity next to the run (runner/sweep_fidelity.cpp).
    std::optional<QuantFidelity> fidelity;
    const auto fidelity_path = dir / "fidelity.json";
    if (std::filesystem::exists(fidelity_path)) {
        BIOMEDQ_ASSIGN(std::string fidelity_text, read_file(fidelity_path));
        const auto j = nlohmann::json::parse(fidelity_text, nullptr, false);
        if (j.is_discarded()) return make_error(ErrorCode::kParse, fidelity_path.string() + ": not valid JSON");
        BIOMEDQ_ASSIGN(fidelity, quant_fidelity_from_json(j, fidelity_path.string()));
    }
    BIOMEDQ_ASSIGN(PutRunOutcome outcome, put_run(run));
    // Idempotent (keyed by model file and text), so also when the run itself was unchanged: a
    // fidelity.json may have been added since.
    if (fidelity) BIOMEDQ_TRY(put_fidelity(*fidelity));
    return outcome;
}

}  // namespace biomedq
