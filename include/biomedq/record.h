// The run record: what an evaluation writes to its run directory, as types. samples.jsonl holds one
// SampleRecord per finished example, results.json one RunRecord. Every reader and writer (eval,
// rescore, compare, import into the store, report) goes through these types and the codec below, so
// the JSON keys are spelled in one place (src/record/record_codec.cpp) and a field added here is
// written, read, stored and resumed everywhere at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "biomedq/chat.h"
#include "biomedq/metrics.h"
#include "biomedq/result.h"

namespace biomedq {

// What changes an answer: the run's identity. config.json stores it (with its hash); a resume with
// another spec is refused. Defaults live here. Fields whose default is left out of the JSON
// (kv_type, protocol) were added after runs existed, which keep their hash and still resume.
struct EvalSpec {
    std::vector<std::string> tasks = {"bc5cdr-chem", "ncbi-disease", "chemprot", "ddi",
                                      "hoc",         "litcovid",     "medqa",    "pubmedqa"};
    // Benchmark protocol: "biomedq" (its own prompts and metrics) or "chen2025" (the published
    // prompt files, parsers and metrics of Chen et al. 2025; prompt zero-shot, few-shot:1 or
    // few-shot:5).
    std::string protocol = "biomedq";
    std::string prompt = "zero-shot";  // zero-shot | few-shot:K | cot | cot:K (K shots before CoT)
    std::string shot_selection = "random";  // random | nearest
    bool constrained = false;
    std::string subset = "sample200";  // sample200 | all (the full test split)
    int limit = 0;                     // first N examples of each task; 0 = all
    std::uint64_t seed = 1234;
    std::string mc_mode = "generate";  // generate | loglik (multiple-choice tasks only)
    bool chat = true;                  // render with the model's chat template
    int max_tokens = 0;                // cap on generated tokens per example; 0 = the task's own
    int ctx_per_sequence = 4096;       // tokens per sequence
    std::string kv_type = "f16";       // KV cache type; a quantized cache changes answers slightly
};

// One option of a log-likelihood multiple-choice answer.
struct OptionScore {
    std::string label;
    std::string continuation;
    double logprob = 0.0;
    int n_tokens = 0;
};

// One finished example (a line of samples.jsonl). Scoring needs task, id, index, gold, parsed and
// score; the optional fields are absent in minimal or older records and are written only when set.
struct SampleRecord {
    std::string task;
    std::string id;
    std::size_t index = 0;            // position in the task's selected examples (bootstrap order)
    std::optional<std::string> mode;  // "generate" | "loglik"
    Gold gold;
    Prediction parsed;
    double score = 0.0;  // 0..1
    std::optional<bool> correct;
    std::optional<std::string> prompt;                 // the rendered prompt (generate, raw loglik)
    std::optional<std::vector<ChatMessage>> messages;  // chat loglik: rendered by the backend
    std::optional<std::string> raw_output;
    std::optional<std::string> finish;  // eos | stop | length | grammar | error
    std::optional<std::string> error;
    std::optional<std::vector<OptionScore>> options;  // loglik
    std::optional<std::uint64_t> n_tokens_prompt;
    std::optional<std::uint64_t> n_tokens_generated;
    std::optional<double> t_latency_ms;
    // Keys this version does not know (written by a newer biomedq): kept, so a rescore that
    // rewrites the log loses nothing.
    nlohmann::json unknown = nlohmann::json::object();

    // The same answer to the same example, whatever its latency (an exact repeat of a record).
    bool same_answer(const SampleRecord& other) const;
};

// One task's section of results.json.
struct TaskResult {
    std::size_t n_examples = 0;
    std::size_t n_invalid = 0;
    std::size_t n_selected = 0;
    double invalid_rate = 0.0;
    bool complete = false;
    std::string primary_metric;
    std::string kind;  // ner | relation | multilabel | mcqa
    std::string protocol = "biomedq";
    std::map<std::string, std::string> metric_definitions;
    std::vector<MetricValue> metrics;
    std::map<std::string, std::string> published_metric_names;  // metric -> the paper's name for it
    std::optional<std::vector<PerClassScore>> per_class;        // relation and mcqa tasks
    std::string test_set_note;  // the evaluated split's caveat (e.g. ChemProt's reconstruction)

    const MetricValue* metric(const std::string& name) const;
    const MetricValue* primary() const { return metric(primary_metric); }
};

struct ModelRecord {
    std::string path;
    std::string sha256;
    std::string arch;
    std::string name;
    std::string description;
    std::string quant_type;  // llama.cpp's file type description, e.g. "Q4_K - Medium"
    std::string dominant_tensor_type;
    double bits_per_weight = 0.0;
    std::uint64_t n_params = 0;
    std::uint64_t bytes_file = 0;
};

struct BufferRecord {
    std::string buffer;  // llama.cpp buffer type: CPU, CUDA0, CUDA_Host, RPC0[...], ...
    std::uint64_t bytes_weights = 0, bytes_kv = 0, bytes_compute = 0, bytes_output = 0;
};

struct DeviceRecord {
    std::string name;
    std::string description;
    std::uint64_t bytes_total = 0;
    std::uint64_t bytes_peak_used = 0;  // driver readings: free before load - least free seen
    std::uint64_t bytes_buffers = 0;
    std::uint64_t bytes_in_use_at_load = 0;
    std::uint64_t bytes_device_overhead = 0;
    std::uint64_t bytes_run_growth = 0;
    std::string source;
};

struct MemoryRecord {
    std::vector<BufferRecord> buffers;
    std::uint64_t bytes_weights = 0, bytes_kv = 0, bytes_compute = 0, bytes_output = 0;
    std::uint64_t bytes_total_allocated = 0;
    std::vector<DeviceRecord> devices;
    std::uint64_t host_peak_rss_bytes = 0;
    std::string source;
    std::uint64_t bytes_device_overhead = 0;
    std::string device_overhead_reason;  // why no overhead was measured; empty when it was
};

struct SpeedRecord {
    std::string backend;
    std::size_t n_examples = 0;
    int parallel = 0;
    double t_wall_ms = 0, t_load_ms = 0;
    double t_generate_ms =
        0;  // the evaluation loop (results.json "t_eval_ms", llama.cpp's unit name)
    double t_decode_ms = 0;
    std::uint64_t n_decode_calls = 0, n_tokens_prompt = 0, n_tokens_generated = 0;
    // In-process runs: whether shared prompt prefixes were decoded once, and the prompt tokens
    // decoded (n_tokens_prompt counts every prompt's tokens, as submitted). Absent for servers.
    std::optional<bool> prefix_reuse;
    std::optional<std::uint64_t> n_tokens_prompt_computed;
    std::optional<std::uint64_t> n_tokens_sampled_on_device;  // greedy choices on the device
    double examples_per_s = 0, prompt_tokens_per_s = 0, generated_tokens_per_s = 0;
    double overhead_fraction = 0;  // share of the loop spent outside llama_decode
};

struct SampleRepairs {
    struct Duplicate {
        std::string task, id;
        std::size_t line = 0;       // the repeat, not scored
        std::size_t kept_line = 0;  // the first record for the example, scored
    };
    struct Foreign {
        std::string task, id;
        std::size_t line = 0;
    };
    std::uint64_t n_partial_line_bytes = 0;  // cut-off last lines (writes in flight when runs died)
    std::vector<Duplicate> duplicates;
    std::vector<Foreign> foreign;
    bool empty() const {
        return n_partial_line_bytes == 0 && duplicates.empty() && foreign.empty();
    }
};

struct SessionRecord {
    std::string started_at, finished_at;  // UTC ISO 8601
    std::size_t n_examples_run = 0;
    std::size_t n_examples_unanswered = 0;
    nlohmann::json batch_shape;  // null for server runs and sessions that ran nothing
};

// results.json.
struct RunRecord {
    int schema_version = 1;
    nlohmann::json environment = nlohmann::json::object();  // provenance (runner/environment.cpp)
    ModelRecord model;
    // config.resolved: the spec plus how it ran (parallel, gpu_layers, threads, data and task
    // dirs).
    EvalSpec spec;
    nlohmann::json resolved_extra = nlohmann::json::object();
    std::string config_hash;
    nlohmann::json batch_shape;  // config.batch_shape: the shape the run started with (or null)
    nlohmann::json
        parallel_choice;  // config.parallel_choice: how --parallel auto decided (or null)
    std::map<std::string, TaskResult> tasks;
    bool complete = false;
    SampleRepairs repairs;
    std::optional<MemoryRecord> memory;
    std::optional<SpeedRecord> speed;
    std::vector<SessionRecord> sessions;

    const std::string& protocol() const { return spec.protocol; }
    // The resolved value of a config field outside the spec (e.g. "tasks_dir"), or `fallback`.
    std::string resolved_string(const std::string& key, const std::string& fallback = "") const;
    int resolved_int(const std::string& key, int fallback) const;
};

// Fidelity of one quantized model against its full-precision source, as cached by the sweep (JSON
// next to the quantized file and fidelity.json in each of its run directories) and stored by the
// store.
struct QuantFidelity {
    std::string source_sha256;
    std::string model_sha256;
    std::string quant_type;        // lower case
    std::string text_sha256;       // of the text given to measure_fidelity
    std::string text_description;  // e.g. "pubmedqa/sample200 + ddi/sample200, up to 4096 tokens"
    int ctx = 0;
    std::uint64_t n_tokens = 0;  // positions compared
    std::uint64_t n_chunks = 0;
    double kl_mean = 0.0, kl_mean_se = 0.0, kl_median = 0.0, kl_p99 = 0.0,
           kl_max = 0.0;                         // nats per token
    double top1_agreement = 0.0, top1_se = 0.0;  // fraction in [0, 1]
    double ppl_ratio = 0.0, ppl_ratio_se = 0.0;
    std::string measured_at;  // UTC ISO 8601
};

// ---- codec: the only code that spells the keys ----
nlohmann::json to_json(const EvalSpec& spec);
nlohmann::json to_json(const SampleRecord& record);
nlohmann::json to_json(const TaskResult& task);
nlohmann::json to_json(const RunRecord& run);
nlohmann::json to_json(const Gold& gold);               // {labels, spans}
nlohmann::json to_json(const Prediction& prediction);   // {valid, labels, spans[, unparsed]}
nlohmann::json to_json(const QuantFidelity& fidelity);  // fidelity.json
nlohmann::json to_json(const SampleRepairs& repairs);   // results.json "repairs"

// Errors: kParse naming the field (dotted path) and what it holds, e.g. `field "id": expected a
// non-empty string, got 42`; the caller adds the file and line.
Result<EvalSpec> eval_spec_from_json(const nlohmann::json& j);
Result<SampleRecord> sample_record_from_json(const nlohmann::json& j);
Result<RunRecord> run_record_from_json(const nlohmann::json& j);
Result<Gold> gold_from_json(const nlohmann::json& j);
Result<Prediction> prediction_from_json(const nlohmann::json& j);
// Errors: kParse naming `where` and the missing or mistyped field.
Result<QuantFidelity> quant_fidelity_from_json(const nlohmann::json& j, const std::string& where);

// <run_dir>/results.json as a RunRecord. Errors: kNotFound/kIo, kParse naming the file and field.
Result<RunRecord> read_run_record(const std::filesystem::path& run_dir);
// Written atomically (a kill leaves the old file or the new one).
Status write_run_record(const std::filesystem::path& run_dir, const RunRecord& run);

}  // namespace biomedq
