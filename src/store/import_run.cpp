// import_run: a run directory (results.json + samples.jsonl) -> a StoredRun -> the store.
#include <algorithm>
#include <map>
#include <optional>

#include "biomedq/record.h"
#include "biomedq/store.h"
#include "biomedq/task.h"
#include "core/file_io.h"
#include "record/sample_log.h"
#include "store/device_memory.h"

namespace biomedq {
namespace {

// Label sets come from the task configs the run used (results.json records their directory);
// falls back to the shipped tasks/ when that directory is gone.
Result<std::map<std::string, TaskConfig>> task_configs_of_run(const RunRecord& results) {
    std::filesystem::path dir = results.resolved_string("tasks_dir");
    if (dir.empty() || !std::filesystem::is_directory(dir)) dir = default_tasks_dir();
    // A protocol's tasks (chen2025) share names with biomedq's but not labels or metrics.
    BIOMEDQ_ASSIGN(auto catalog, load_tasks(dir, results.protocol()));
    auto& tasks = catalog.tasks;
    std::map<std::string, TaskConfig> out;
    for (auto& t : tasks) out[t.name] = std::move(t);
    return out;
}

// Runs written before results.json carried test_set_note: --subset all evaluates the test split, so
// its note in the task config applies (e.g. ChemProt's reconstructed test set).
std::string test_set_note_of(const TaskResult& task, const std::string& subset,
                             const TaskConfig* config) {
    std::string note = task.test_set_note;
    if (note.empty() && config && subset == "all") {
        if (auto split = config->data.splits.find("test"); split != config->data.splits.end())
            note = split->second.note;
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

void fill_memory(const RunRecord& results, StoredRun& run) {
    if (results.memory) {
        const MemoryRecord& m = *results.memory;
        run.bytes_weights = m.bytes_weights;
        run.bytes_kv = m.bytes_kv;
        run.bytes_compute = m.bytes_compute;
        run.bytes_total_allocated = m.bytes_total_allocated;
        run.host_peak_rss_bytes = m.host_peak_rss_bytes;
        std::uint64_t device_peak = 0;
        for (const auto& d : m.devices) device_peak += d.bytes_peak_used;
        run.bytes_peak = device_peak > 0 ? device_peak : run.bytes_total_allocated;
        run.devices = store::device_memory_of(m);
    }
    if (results.speed) {
        run.examples_per_s = results.speed->examples_per_s;
        run.prompt_tokens_per_s = results.speed->prompt_tokens_per_s;
        run.generated_tokens_per_s = results.speed->generated_tokens_per_s;
    }
}

// What the run was, from results.json: model, configuration, provenance and measurements.
Result<StoredRun> stored_run_of(const RunRecord& results, const std::filesystem::path& dir,
                                const ImportOptions& options) {
    StoredRun run;
    run.run_dir = dir.string();
    run.model_path = results.model.path;
    run.model_sha256 = results.model.sha256;
    run.quant_label = results.model.quant_type;
    run.bits_per_weight = results.model.bits_per_weight;
    run.n_params = results.model.n_params;
    run.bytes_file = results.model.bytes_file;
    run.model_name = options.model_name;
    if (run.model_name.empty()) run.model_name = results.model.name;
    if (run.model_name.empty())
        run.model_name = std::filesystem::path(run.model_path).stem().string();
    run.quant_type = options.quant_type.empty()
                         ? quant_type_from_names(run.quant_label, run.model_path)
                         : options.quant_type;
    if (run.quant_type.empty()) {
        return make_error(ErrorCode::kParse, (dir / "results.json").string() +
                                                 ": field \"model.quant_type\" (\"" +
                                                 run.quant_label +
                                                 "\") names no known quantization type; "
                                                 "pass the type explicitly");
    }
    run.prompt = results.spec.prompt;
    run.subset = results.spec.subset;
    run.limit = results.spec.limit;
    run.seed = results.spec.seed;
    run.ctx = results.spec.ctx_per_sequence;
    run.config_hash = results.config_hash;
    run.backend = results.environment.value("llama_cpp", nlohmann::json::object())
                      .value("backend", std::string());
    run.kv_type = results.spec.kv_type;
    run.protocol = results.protocol();
    run.environment = results.environment;
    if (!results.sessions.empty()) run.finished_at = results.sessions.back().finished_at;
    fill_memory(results, run);
    return run;
}

// Samples per task, in the log's order. Errors: those of the sample log (file, line, field).
Result<std::map<std::string, std::vector<StoredSample>>> samples_by_task(
    const std::filesystem::path& path) {
    BIOMEDQ_ASSIGN(record::SampleLogContent content, record::read_sample_log_content(path));
    std::map<std::string, std::vector<StoredSample>> out;
    for (auto& r : content.records) {
        out[r.task].push_back(StoredSample{r.id, static_cast<int>(r.index), r.score,
                                           std::move(r.gold), std::move(r.parsed)});
    }
    return out;
}

StoredTask stored_task_of(const std::string& name, const TaskResult& t, const std::string& subset,
                          const TaskConfig* config) {
    StoredTask task;
    task.task = name;
    task.kind = t.kind;
    task.primary_metric = t.primary_metric;
    task.n_examples = static_cast<int>(t.n_examples);
    task.n_selected = static_cast<int>(t.n_selected);
    task.invalid_rate = t.invalid_rate;
    task.complete = t.complete;
    task.metrics = t.metrics;
    task.published_metric_names = t.published_metric_names;
    for (const auto& m : t.metrics) {
        const auto it = t.metric_definitions.find(m.name);
        task.metric_definitions[m.name] =
            it != t.metric_definitions.end() ? it->second : metric_definition(m.name);
    }
    if (config) task.metric_options = metric_options_of(*config);
    task.test_set_note = test_set_note_of(t, subset, config);
    return task;
}

// Sweeps leave the quantized model's fidelity next to the run (runner/sweep_fidelity.cpp).
Result<std::optional<QuantFidelity>> fidelity_of_run(const std::filesystem::path& dir) {
    const auto path = dir / "fidelity.json";
    if (!std::filesystem::exists(path)) return std::optional<QuantFidelity>();
    BIOMEDQ_ASSIGN(std::string text, read_file(path));
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return make_error(ErrorCode::kParse, path.string() + ": not valid JSON");
    BIOMEDQ_ASSIGN(QuantFidelity fidelity, quant_fidelity_from_json(j, path.string()));
    return std::optional<QuantFidelity>(std::move(fidelity));
}

}  // namespace

Result<PutRunOutcome> ResultStore::import_run(const std::filesystem::path& run_dir,
                                              const ImportOptions& options) {
    const auto dir = resolved_run_dir(run_dir);
    BIOMEDQ_ASSIGN(const RunRecord results, read_run_record(dir));
    BIOMEDQ_ASSIGN(StoredRun run, stored_run_of(results, dir, options));
    BIOMEDQ_ASSIGN(auto configs_by_task, task_configs_of_run(results));
    BIOMEDQ_ASSIGN(auto samples, samples_by_task(dir / "samples.jsonl"));
    for (const auto& [name, t] : results.tasks) {
        const auto config = configs_by_task.find(name);
        StoredTask task = stored_task_of(
            name, t, run.subset, config != configs_by_task.end() ? &config->second : nullptr);
        task.samples = std::move(samples[name]);
        std::sort(task.samples.begin(), task.samples.end(),
                  [](const StoredSample& a, const StoredSample& b) { return a.index < b.index; });
        run.tasks.push_back(std::move(task));
    }
    BIOMEDQ_ASSIGN(const auto fidelity, fidelity_of_run(dir));
    BIOMEDQ_ASSIGN(PutRunOutcome outcome, put_run(run));
    // Idempotent (keyed by model file and text), so also when the run itself was unchanged: a
    // fidelity.json may have been added since.
    if (fidelity) BIOMEDQ_TRY(put_fidelity(*fidelity));
    return outcome;
}

}  // namespace biomedq
