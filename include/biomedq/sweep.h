// `biomedq sweep`: a grid of models x quantization types x prompting methods, each cell one eval run
// through run_eval (same code as `biomedq eval`), into <out>/runs/<model>-<TYPE>-<prompt>/.
//
// Quantized models are made from each full-precision source with quantize_model and cached under
// <out>/quantized/<source sha256[:12]>-<TYPE>.gguf, so a source is quantized to a type once. The
// source's own type (f16/bf16/f32) is always a cell: it is the reference the report compares against.
// Resumable: a cell whose results.json is complete is skipped without loading the model; a half cell
// resumes inside run_eval. Storing finished cells is the caller's job (on_cell_finished), which keeps
// the runner free of the result store.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "biomedq/quant.h"
#include "biomedq/result.h"
#include "biomedq/runner.h"

namespace biomedq {

struct SweepModel {
    std::string name;  // used in run directory names and as the report's model name
    std::filesystem::path path;
};

// sweep.yaml, with defaults in one place. Relative paths are relative to the YAML file's folder.
struct SweepSpec {
    std::filesystem::path file;     // the YAML it was read from (for messages)
    std::filesystem::path out_dir;  // "out"; default: <yaml folder>/<yaml stem>
    std::vector<SweepModel> models;
    std::vector<std::string> quant_types;  // lower-case llama.cpp names
    std::vector<std::string> tasks;
    std::vector<std::string> prompts = {"zero-shot"};
    std::string subset = "sample200";
    int limit = 0;
    std::uint64_t seed = 1234;
    int ctx = 4096;
    std::string parallel = "auto";
    int gpu_layers = -1;
    bool constrained = false;
    int bootstrap_resamples = 1000;
    std::string data_dir;   // empty: the default data dir
    std::string tasks_dir;  // empty: the shipped tasks/
    bool progress = true;   // not in YAML: run_eval's progress line (off in tests)
};

// Reads and validates sweep.yaml. Errors (kParse / kInvalidArgument / kNotFound) read
// "<file>:<line>: field \"<name>\": <what was expected>", e.g.
// "sweep.yaml:7: field \"quant_types[1]\": unknown quantization type \"q4_k_x\" (did you mean q4_k_m?)".
Result<SweepSpec> load_sweep_file(const std::filesystem::path& path);
// As load_sweep_file on YAML text; `file` names it in messages and anchors relative paths.
Result<SweepSpec> parse_sweep_yaml(const std::string& text, const std::filesystem::path& file);

struct SweepCell {
    std::string model_name;
    std::filesystem::path source_path;
    std::string source_sha256;
    std::string quant_type;  // lower case
    bool from_source = false;  // the cell evaluates the source file itself
    std::string prompt;
    std::filesystem::path model_path;  // the source, or the cached quantized file
    std::filesystem::path run_dir;

    std::string name() const;  // "<model>-<TYPE>-<prompt>" with ':' -> '-'
};

// The cells in order model x type (source type first, then as listed) x prompt. Hashes each source
// (cached per file). Errors: a source that is missing or not GGUF, an unknown type.
Result<std::vector<SweepCell>> plan_sweep(const SweepSpec& spec);

// The memory a cell will ask for (full offload, parallel 1 unless `parallel` is a number): from the
// quantized file when it exists, else the source's metadata with tensor sizes scaled to the type's
// nominal bits per weight (marked estimated_from_source).
struct CellMemory {
    MemoryEstimate estimate;
    bool estimated_from_source = false;
};
Result<CellMemory> estimate_cell_memory(const SweepSpec& spec, const SweepCell& cell);

// The RunConfig of a cell (what `biomedq eval` would be given).
RunConfig cell_run_config(const SweepSpec& spec, const SweepCell& cell);

// True when the cell's results.json exists, was made with this cell's configuration, and every task
// is complete.
bool cell_finished(const SweepSpec& spec, const SweepCell& cell);

struct SweepCallbacks {
    // Called after each finished cell (also for cells finished earlier and skipped now); an error
    // stops the sweep.
    std::function<Status(const SweepCell&)> on_cell_finished;
    std::function<void(const std::string&)> log;  // progress lines; may be empty
};

struct SweepOutcome {
    int n_cells = 0;
    int n_run = 0;        // cells run_eval ran (fully or resumed)
    int n_skipped = 0;    // cells already finished before this invocation
    int n_quantized = 0;  // quantized files made now (not from the cache)
};

// Runs every cell. `cancel` stops after the running cell flushes (kCancelled; rerun to resume).
Result<SweepOutcome> run_sweep(const SweepSpec& spec, const SweepCallbacks& callbacks = {},
                               const std::atomic<bool>* cancel = nullptr);

}  // namespace biomedq
