// `biomedq sweep`: a grid of models x quantization types x prompting methods, each cell one eval
// run through run_eval (same code as `biomedq eval`), into <out>/runs/<model>-<TYPE>-<prompt>/.
//
// Quantized models are made from each full-precision source with quantize_model and cached under
// <out>/quantized/<source sha256[:12]>-<TYPE>.gguf, so a source is quantized to a type once. The
// source's own type (f16/bf16/f32) is always a cell: it is the reference the report compares
// against. Resumable: a cell whose results.json is complete is skipped without loading the model; a
// half cell resumes inside run_eval. Storing finished cells is the caller's job (on_cell_finished),
// which keeps the runner free of the result store.
//
// Fidelity: for every quantized cell (not the source's own type) the sweep measures, with
// measure_fidelity, how far the quantized model drifts from its source on the sweep's own task text
// (the evaluated split of each task, in order, up to `fidelity_tokens` tokens). The result is
// cached next to the quantized file, keyed by the text's hash, so it is measured once per (source,
// type, text) and never again on resume; each cell's run directory gets a copy as fidelity.json,
// which the store's import_run records.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "biomedq/quant.h"
#include "biomedq/record.h"
#include "biomedq/result.h"
#include "biomedq/runner.h"

namespace biomedq {

struct SweepModel {
    std::string name;  // used in run directory names and as the report's model name
    std::filesystem::path path;
};

// sweep.yaml, with defaults in one place. Relative paths are relative to the YAML file's folder.
// A sweep evaluates every cell with the same EvalSpec (every eval option: protocol, shots, mc_mode,
// chat, max_tokens, ctx, kv_type, ...; sweep.yaml spells them as config.json does) except the
// prompt, which varies per cell (`prompts`; the inherited `prompt` is unused).
struct SweepSpec : EvalSpec {
    std::filesystem::path file;     // the YAML it was read from (for messages)
    std::filesystem::path out_dir;  // "out"; default: <yaml folder>/<yaml stem>
    std::vector<SweepModel> models;
    std::vector<std::string> quant_types;  // lower-case llama.cpp names
    std::vector<std::string> prompts = {"zero-shot"};
    std::string parallel = "auto";
    int gpu_layers = -1;
    int bootstrap_resamples = 1000;
    std::string data_dir;   // empty: the default data dir
    std::string tasks_dir;  // empty: the shipped tasks/
    bool progress = true;   // not in YAML: run_eval's progress line (off in tests)
    // `fidelity: {tokens: N, ctx: N}` or `fidelity: off`. Tokens of task text compared per
    // quantized model.
    bool fidelity = true;
    int fidelity_tokens = 4096;
    int fidelity_ctx = 512;
};

// Reads and validates sweep.yaml. Errors (kParse / kInvalidArgument / kNotFound) read
// "<file>:<line>: field \"<name>\": <what was expected>", e.g.
// "sweep.yaml:7: field \"quant_types[1]\": unknown quantization type \"q4_k_x\" (did you mean
// q4_k_m?)".
Result<SweepSpec> load_sweep_file(const std::filesystem::path& path);
// As load_sweep_file on YAML text; `file` names it in messages and anchors relative paths.
Result<SweepSpec> parse_sweep_yaml(const std::string& text, const std::filesystem::path& file);

struct SweepCell {
    std::string model_name;
    std::filesystem::path source_path;
    std::string source_sha256;
    std::string quant_type;    // lower case
    bool from_source = false;  // the cell evaluates the source file itself
    std::string prompt;
    std::filesystem::path model_path;  // the source, or the cached quantized file
    std::filesystem::path run_dir;

    std::string name() const;  // "<model>-<TYPE>-<prompt>" with ':' -> '-'
};

// The cells in order model x type (source type first, then as listed) x prompt. Hashes each source
// (cached per file). Errors: a source that is missing or not GGUF, an unknown type.
Result<std::vector<SweepCell>> plan_sweep(const SweepSpec& spec);

// The memory a cell will ask for (full offload, parallel 1 unless `parallel` is a number): where
// the cell's file exists, llama.cpp's no-alloc simulation of it on this host (source "simulation",
// see offloaded_view in biomedq/memory_simulation.h); else the formula on the source's metadata
// with tensor sizes scaled to the type's nominal bits per weight (source "estimate",
// estimated_from_source), or on the file's metadata where llama.cpp cannot read it (source
// "estimate", `estimate_reason` says why).
struct CellMemory {
    MemoryEstimate estimate;
    bool estimated_from_source = false;
    std::string source = "estimate";  // "simulation" | "estimate"
    std::string estimate_reason;      // why the formula answered
    bool device_simulated = false;    // a GPU of this host held the simulated buffers
    // Measured on this host's GPUs (CUDA context, recorded run growth); 0 without a device. Slurm
    // planning ignores it: the jobs run on other machines.
    std::uint64_t bytes_device_overhead = 0;
    // What a GPU budget on this host is judged against.
    std::uint64_t bytes_gpu_budgeted() const {
        return estimate.bytes_gpu() + bytes_device_overhead;
    }
};
Result<CellMemory> estimate_cell_memory(const SweepSpec& spec, const SweepCell& cell);
// The same at another request (e.g. each parallel count `--parallel auto` considers).
Result<CellMemory> cell_memory_at(const SweepCell& cell, const MemoryRequest& request);
// What eval's `--parallel auto` would choose for the cell on a GPU of `budget_bytes`
// (kMemoryHeadroom of it, powers of two up to 64), each count sized by cell_memory_at; 0 when not
// one sequence fits.
Result<int> cell_parallel_within(const SweepSpec& spec, const SweepCell& cell,
                                 std::uint64_t budget_bytes);
// GPU bytes (weights, KV, compute; one sequence of `ctx`) of the model at `source_path` quantized
// to `quant_type`, without quantizing it: recommend's estimate for types a model was not run in.
Result<std::uint64_t> estimate_quantized_gpu_bytes(const std::string& source_path,
                                                   const std::string& quant_type, int ctx);
// The request estimate_cell_memory sizes: the sweep's ctx, parallel (1 for auto), GPU layers, KV
// type.
MemoryRequest cell_memory_request(const SweepSpec& spec);

// What `sweep --dry-run` shows besides memory. The examples a cell evaluates, per task in the
// sweep's order (the same for every cell: subset and limit applied); -1 for a task whose data file
// is missing, with `missing` naming it.
struct SweepTaskExamples {
    std::string task;
    int n_examples = -1;
    std::string missing;
};
Result<std::vector<SweepTaskExamples>> sweep_task_examples(const SweepSpec& spec);

// A cell's time, estimated from measurements, never from a guess of the hardware: seconds per
// example of a run in this sweep's out folder that has evaluated examples (this cell's own, else
// the cell with the same prompt method and the nearest weight size, else any), times the cell's
// examples, scaled by the ratio of weight bytes (generation reads every weight once per token, so
// it is memory-bound). `seconds` < 0 when no cell of the sweep has run yet; `basis` says which run
// it came from.
struct CellTimeEstimate {
    double seconds = -1;
    std::string basis;
};
CellTimeEstimate estimate_cell_time(const SweepSpec& spec, const std::vector<SweepCell>& cells,
                                    std::size_t index, int n_examples);

// The RunConfig of a cell (what `biomedq eval` would be given).
RunConfig cell_run_config(const SweepSpec& spec, const SweepCell& cell);

// True when the cell's results.json exists, was made with this cell's configuration, and every task
// is complete.
bool cell_finished(const SweepSpec& spec, const SweepCell& cell);

// Where a cell's fidelity for text `text_sha256` is cached: <quantized
// stem>.fidelity-<sha[:12]>.json.
std::filesystem::path fidelity_cache_path(const SweepCell& cell, const std::string& text_sha256);

struct SweepCallbacks {
    // Called after each finished cell (also for cells finished earlier and skipped now); an error
    // stops the sweep.
    std::function<Status(const SweepCell&)> on_cell_finished;
    std::function<void(const std::string&)> log;  // progress lines; may be empty
};

struct SweepOutcome {
    int n_cells = 0;
    int n_run = 0;                // cells run_eval ran (fully or resumed)
    int n_skipped = 0;            // cells already finished before this invocation
    int n_quantized = 0;          // quantized files made now (not from the cache)
    int n_fidelity_measured = 0;  // fidelity measurements made now (not from the cache)
};

// Runs every cell. `cancel` stops after the running cell flushes (kCancelled; rerun to resume).
Result<SweepOutcome> run_sweep(const SweepSpec& spec, const SweepCallbacks& callbacks = {},
                               const std::atomic<bool>* cancel = nullptr);

// Runs cell `index` of plan_sweep alone, exactly as run_sweep runs it (quantize if missing, eval,
// fidelity): what a Slurm array task does. Errors: kInvalidArgument for an index out of range.
Result<SweepOutcome> run_sweep_cell(const SweepSpec& spec, std::size_t index,
                                    const SweepCallbacks& callbacks = {},
                                    const std::atomic<bool>* cancel = nullptr);
// Quantizes the model of cell `index` (when not cached) and measures its fidelity (when on and not
// cached): what a Slurm preparation job does, so the cells of one (source, type) do neither twice.
// Nothing to do for a cell that evaluates its source.
Result<SweepOutcome> prepare_sweep_cell_model(const SweepSpec& spec, std::size_t index,
                                              const SweepCallbacks& callbacks = {});

}  // namespace biomedq
