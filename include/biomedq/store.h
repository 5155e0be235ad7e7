// The result store: finished eval runs in one SQLite file (results.sqlite), so reports and
// recommendations read one place instead of many run directories. Schema: docs/STORE_SCHEMA.md.
//
// A run is identified by its content, not by where it lies: its configuration hash and model sha256
// (the same run reached through another path, a symlink or a copy is the same run). Storing a run
// whose identity is already stored is a no-op when everything stored is unchanged (same samples,
// scores, model and measurements), and otherwise replaces the stored run (e.g. more samples after a
// resume). Per-example gold, parsed answer and score are stored, so a report can compute paired
// bootstrap differences between runs without the run directories.
//
// Several processes may import into one store at once (a new one included): each waits for the
// others' write transactions instead of failing with "database is locked".
//
// Thread safety: a ResultStore is one SQLite connection; use it from one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "biomedq/metrics.h"
#include "biomedq/result.h"
#include "biomedq/sweep.h"

namespace biomedq {

// 2: the fidelity table; 3: memory per device and the KV cache type; 4: runs identified by content
// (older stores are migrated on open; docs/STORE_SCHEMA.md).
inline constexpr int kStoreSchemaVersion = 5;

struct StoredSample {
    std::string example_id;
    int index = 0;  // position in the task's selected examples (bootstrap order)
    double score = 0.0;
    Gold gold;
    Prediction parsed;
};

struct StoredTask {
    std::string task;
    std::string kind;  // ner | relation | multilabel | mcqa
    std::string primary_metric;
    int n_examples = 0;
    int n_selected = 0;
    double invalid_rate = 0.0;
    bool complete = false;
    std::vector<MetricValue> metrics;
    MetricOptions metric_options;       // label set + negative label (for paired bootstrap)
    std::vector<StoredSample> samples;  // in index order; empty unless loaded with samples
    // The evaluated split's caveat from the task config (results.json tasks.<task>.test_set_note),
    // e.g. ChemProt's --subset all: "approximate reconstruction of the BLUE test set; report as
    // such".
    std::string test_set_note;
    // How each metric was computed (results.json tasks.<task>.metric_definitions; for runs written
    // before it existed, the current definition of the name) and, where the protocol names it, the
    // name the paper gives it.
    std::map<std::string, std::string> metric_definitions;
    std::map<std::string, std::string> published_metric_names;

    // The metric called `name`, or nullptr.
    const MetricValue* metric(const std::string& name) const;
    const MetricValue* primary() const { return metric(primary_metric); }
};

// One device's share of a run's memory (results.json memory.buffers grouped by device, and the
// driver's peak for it). "host" gathers every CPU-side buffer (CPU, CPU_Mapped, CUDA_Host, ...).
struct StoredDeviceMemory {
    std::string device;  // "host", "CUDA0", "CUDA1", "RPC0[10.0.0.2:50052]", ...
    std::uint64_t bytes_weights = 0;
    std::uint64_t bytes_kv = 0;
    std::uint64_t bytes_compute = 0;
    std::uint64_t bytes_output = 0;
    std::uint64_t bytes_peak_used = 0;  // from the driver; 0 when not measured (host, RPC)
    std::uint64_t bytes_total = 0;      // the device's capacity; 0 when unknown
};

struct StoredRun {
    std::int64_t id = 0;
    std::string run_dir;     // absolute; where it was (last) imported from, not its identity
    std::string model_name;  // grouping key: the sweep's model name, or general.name on import
    std::string model_path;
    std::string model_sha256;
    std::string quant_type;   // lower-case llama.cpp type name: f16, bf16, q8_0, q4_k_m, ...
    std::string quant_label;  // llama.cpp's description, e.g. "Q4_K - Medium"
    double bits_per_weight = 0.0;
    std::uint64_t n_params = 0;
    std::uint64_t bytes_file = 0;
    std::string prompt;  // zero-shot, few-shot:1, cot, ...
    std::string subset;
    int limit = 0;
    std::uint64_t seed = 0;
    int ctx = 0;
    std::string config_hash;
    std::string backend;               // cpu | cuda | ...
    std::string kv_type = "f16";       // KV cache type (eval --kv-type)
    std::string protocol = "biomedq";  // benchmark protocol (eval --protocol): biomedq | chen2025
    // Provenance: results.json "environment" (biomedq_version, llama_cpp {tag, commit, backend},
    // cpu, devices, ...; {} for runs stored before schema 5) and when its last session finished
    // (UTC ISO 8601).
    nlohmann::json environment = nlohmann::json::object();
    std::string finished_at;
    // Memory (results.json "memory"): llama.cpp allocations, and the measured peak. bytes_peak is
    // the devices' peak use when a GPU was used, else bytes_total_allocated (what a full offload
    // needs).
    std::uint64_t bytes_weights = 0;
    std::uint64_t bytes_kv = 0;
    std::uint64_t bytes_compute = 0;
    std::uint64_t bytes_total_allocated = 0;
    std::uint64_t bytes_peak = 0;
    std::uint64_t host_peak_rss_bytes = 0;
    double examples_per_s = 0.0;
    double prompt_tokens_per_s = 0.0;
    double generated_tokens_per_s = 0.0;
    std::string imported_at;                  // UTC ISO 8601
    std::vector<StoredDeviceMemory> devices;  // by device name; "host" first
    std::vector<StoredTask> tasks;
    // Set by the store: sha256 of everything stored for the run except its directory and import
    // time (store/run_identity.h). Empty for runs migrated from a version-3 store.
    std::string content_sha256;

    bool full_precision() const;  // f32 / f16 / bf16
    const StoredTask* task(const std::string& name) const;
};

// What storing a run did.
struct PutRunOutcome {
    enum class Change {
        kAdded,      // no run with this configuration hash and model sha256 was stored
        kReplaced,   // one was, with other content: it was replaced
        kUnchanged,  // one was, with the same content: nothing was written
    };
    Change change = Change::kAdded;
    std::int64_t id = 0;           // the stored run's id (the existing one when unchanged)
    std::int64_t previous_id = 0;  // kReplaced / kUnchanged: the run found with the same identity
    std::string previous_run_dir;  // ... and the directory it had been imported from
};

// Overrides for what import reads from results.json.
struct ImportOptions {
    std::string model_name;  // empty: results.json model.name, else the model file's stem
    std::string quant_type;  // empty: from the model file name suffix or llama.cpp's file type name
};

// The llama.cpp type name for a file type description or model file name ("Q4_K - Medium" ->
// "q4_k_m", "tiny-F16-Q8_0.gguf" -> "q8_0"); empty when neither names a known type.
std::string quant_type_from_names(const std::string& file_type_name, const std::string& model_path);

class ResultStore {
public:
    // Opens or creates the database (and its folder) and its schema. Errors: kIo (cannot open),
    // kConflict (a schema version this build does not know).
    static Result<ResultStore> open(const std::filesystem::path& path);

    ResultStore(ResultStore&&) noexcept;
    ResultStore& operator=(ResultStore&&) noexcept;
    ~ResultStore();

    // Reads <run_dir>/results.json and samples.jsonl (and the task configs named by the run, for
    // their label sets) and stores the run with put_run. A <run_dir>/fidelity.json (written by
    // sweeps for quantized cells) is stored with put_fidelity. Errors: kNotFound/kParse naming the
    // file and field, kIo.
    Result<PutRunOutcome> import_run(const std::filesystem::path& run_dir,
                                     const ImportOptions& options = {});

    // Stores a run given as values (tests, and import_run's last step) in one transaction: added,
    // replacing the stored run with the same (config_hash, model_sha256) when its content differs,
    // or nothing at all when the content is the same. run.content_sha256 is ignored (computed
    // here).
    Result<PutRunOutcome> put_run(const StoredRun& run);

    // Every stored run, ordered by model name, bits per weight (descending), prompt. Samples are
    // read only when `with_samples`.
    Result<std::vector<StoredRun>> load_runs(bool with_samples = true) const;

    Result<int> count_runs() const;

    // Stores the fidelity of a quantized model on one text, replacing the row with the same
    // (model_sha256, text_sha256).
    Status put_fidelity(const QuantFidelity& fidelity);
    // Every fidelity row, ordered by source_sha256, quant_type, text_sha256.
    Result<std::vector<QuantFidelity>> load_fidelity() const;
    const std::filesystem::path& path() const { return path_; }

private:
    struct Impl;
    ResultStore(std::filesystem::path path, std::unique_ptr<Impl> impl);
    std::filesystem::path path_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace biomedq
