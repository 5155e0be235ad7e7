// `biomedq report` and `biomedq recommend`: what a result store says, for people.
//
// Report: per task, score +- CI of every model x quantization x prompt; the paired-bootstrap
// difference to the same model's full-precision run (same prompt, subset, seed) with a significance
// mark; memory (weights, KV, compute, peak) and % saved; speed. Written as report.md, results.csv
// and report.html (one self-contained offline file: tables plus Vega-Lite plots, the vega
// JavaScript inlined at build time from the npm packages pinned in scripts/fetch-vega.sh).
//
// Recommend: the configurations that fit a GPU memory budget, ranked by score on the chosen tasks,
// with a short explanation of the top one; memory-only estimates for configurations not yet run and
// for the built-in catalog of model shapes.
//
// All functions are pure or write only under the given output folder; thread-compatible.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "biomedq/quant.h"
#include "biomedq/result.h"
#include "biomedq/store.h"

namespace biomedq {

// ---- small pieces, public for tests and the CLI ----

// "24GiB", "24 GB", "24000MiB", "1.5TiB", "512B" (units case-insensitive; KB/MB/GB/TB are powers of
// 1000, KiB/MiB/GiB/TiB powers of 1024). A number without a unit is refused as ambiguous.
// Errors: kInvalidArgument naming `what` (e.g. "--gpu-memory") and the accepted forms.
Result<std::uint64_t> parse_byte_size(std::string_view text,
                                      std::string_view what = "--gpu-memory");
// "1.50 GiB", "312.0 MiB", "900 B".
std::string format_bytes(std::uint64_t bytes);

// A point to place on the memory/score plane: lower cost and higher score are better.
struct ParetoPoint {
    double cost = 0.0;
    double score = 0.0;
};
// Indices of the points no other point dominates (another point with cost <= and score >=, one of
// them strictly), sorted by cost ascending (ties by index). Exact duplicates are all kept.
std::vector<std::size_t> pareto_frontier(const std::vector<ParetoPoint>& points);

// Text for HTML element content and attribute values: & < > " ' escaped.
std::string html_escape(std::string_view text);
// Text for report.md (table cells, headings): & < > as HTML entities, so no HTML gets through, and
// Markdown's inline syntax (\ ` * _ [ ] | ~) backslash-escaped, so a model name shows as written
// and never becomes emphasis, a link, code or an extra table column; newlines become spaces. An '_'
// between two letters or digits is kept as is (it cannot start emphasis there: "Q4_K_M").
std::string markdown_escape(std::string_view text);
// One results.csv field: text a spreadsheet would run as a formula (first character = + - @, tab or
// CR) gets a leading single quote, then the field is quoted (RFC 4180, quotes doubled) when it
// holds a comma, quote, CR or LF, or was neutralised. Only for text fields; numbers are written as
// numbers.
std::string csv_escape(std::string_view text);
// JSON that can sit inside a <script> element: '<', '>', '&', U+2028 and U+2029 written as \u
// escapes, so "</script>" in a model name or dataset text cannot end the script.
std::string json_for_script(const nlohmann::json& value);

// ---- report ----

// Keeps the runs of one benchmark protocol (StoredRun::protocol). `protocol` empty: the store's
// only one; kInvalidArgument naming them when it holds several (they must not be ranked together);
// kNotFound when none has the requested one.
Result<std::vector<StoredRun>> runs_of_one_protocol(std::vector<StoredRun> runs,
                                                    const std::string& protocol);
// kInvalidArgument naming the protocols when `runs` follow more than one.
Status check_single_protocol(const std::vector<StoredRun>& runs);

struct ReportOptions {
    std::string protocol;            // which protocol's runs to report; empty: the store's only one
    int bootstrap_resamples = 1000;  // paired bootstrap against full precision
    std::uint64_t seed = 1234;
    double alpha = 0.05;  // significance level of the mark
};

// One (run, task) of the report.
struct ReportRow {
    std::string task;
    std::string model;
    std::string quant_type;
    std::string kv_type = "f16";
    std::string prompt;
    std::string run_dir;
    double bits_per_weight = 0.0;
    std::string metric;  // the task's primary metric
    double score = 0.0, ci_low = 0.0, ci_high = 0.0;
    int n_examples = 0;
    double invalid_rate = 0.0;
    bool is_reference = false;  // this run is the model's full precision
    bool has_reference =
        false;  // a full-precision run to compare against exists (and is not this one)
    double difference = 0.0, difference_ci_low = 0.0,
           difference_ci_high = 0.0;  // this - full precision
    double p_value = 1.0;
    int n_paired = 0;
    bool significant = false;  // p_value < alpha; a gain or a loss by the sign of `difference`
    std::uint64_t bytes_weights = 0, bytes_kv = 0, bytes_compute = 0, bytes_peak = 0;
    double memory_saved = 0.0;  // 1 - peak / full precision's peak; 0 without a reference
    double examples_per_s = 0.0;
    double generated_tokens_per_s = 0.0;
    bool on_frontier = false;  // on the task's score-vs-peak-memory Pareto frontier
    // Fidelity of the run's model file against its full-precision source (a stored fidelity row
    // with this run's model_sha256; the one over the most tokens when there are several).
    bool has_fidelity = false;
    double kl_mean = 0.0, kl_mean_se = 0.0;      // nats per token
    double top1_agreement = 0.0, top1_se = 0.0;  // fraction in [0, 1]
    std::string
        test_set_note;  // the evaluated split's caveat (StoredTask::test_set_note); "" for none
};

// One line of the report's provenance header, e.g. {"llama.cpp", "v0.5.0 (commit de3ff815ea7d, cpu
// backend)"}.
struct ProvenanceItem {
    std::string label;
    std::string value;
};
// Date, runs and when they finished, protocol, biomedq and llama.cpp versions, hardware, subset and
// limit, prompt method, seed, context, KV cache type: the distinct values over `runs`.
std::vector<ProvenanceItem> report_provenance(const std::vector<StoredRun>& runs,
                                              const std::string& protocol);

struct ReportData {
    std::vector<ProvenanceItem> provenance;
    std::string protocol =
        "biomedq";  // every run's benchmark protocol (build_report_data refuses a mix)
    // task -> metric -> how it is computed, and the name the protocol's paper gives it
    std::map<std::string, std::map<std::string, std::string>> metric_definitions;
    std::map<std::string, std::map<std::string, std::string>> published_metric_names;
    std::vector<std::string> tasks;       // sorted
    std::vector<ReportRow> rows;          // by task, then the store's run order
    std::vector<StoredRun> runs;          // without samples (memory and speed tables)
    std::vector<QuantFidelity> fidelity;  // as given
};

// Errors: runs of several protocols (runs_of_one_protocol), those of paired_bootstrap (e.g.
// inconsistent label sets).
Result<ReportData> build_report_data(const std::vector<StoredRun>& runs,
                                     const ReportOptions& options = {});
// As above, with the store's fidelity rows joined to runs by model_sha256.
Result<ReportData> build_report_data(const std::vector<StoredRun>& runs,
                                     const std::vector<QuantFidelity>& fidelity,
                                     const ReportOptions& options = {});

// True when the run's weights were split over two or more devices besides the host (several GPUs,
// or RPC servers): the report then shows its memory per device.
bool split_over_devices(const StoredRun& run);

// How tables name a run's quantization: "Q4_K_M", or "Q4_K_M, KV q8_0" with a quantized KV cache.
std::string quant_display(const std::string& quant_type, const std::string& kv_type);

std::string render_markdown(const ReportData& data);
std::string render_csv(const ReportData& data);
std::string render_html(const ReportData& data);
// The four Vega-Lite specs (score vs peak memory with frontier, difference vs bits per weight,
// throughput per quantization type, difference vs KL divergence), data inline.
std::vector<nlohmann::json> report_plot_specs(const ReportData& data);

// Reads the store and writes <out_dir>/report.md, results.csv, report.html (creating out_dir).
// Returns the written paths. Errors: those of the store, kIo.
Result<std::vector<std::filesystem::path>> write_report(const std::filesystem::path& store_path,
                                                        const std::filesystem::path& out_dir,
                                                        const ReportOptions& options = {});

// ---- recommend ----

struct RecommendOptions {
    std::string protocol;  // which protocol's runs to rank; empty: the store's only one
    std::uint64_t bytes_gpu_budget = 0;
    std::vector<std::string> tasks;  // empty: every task in the store
    double max_drop =
        0.02;  // exclude configurations losing more than this vs full precision; < 0: no limit
    bool catalog = false;         // also answer for the built-in catalog of model shapes
    int ctx_per_sequence = 4096;  // tokens per sequence for estimates
    std::vector<std::string> estimate_types = {"q8_0",   "q6_k",   "q5_k_m", "q4_k_m",
                                               "q4_k_s", "iq4_xs", "q3_k_m", "q2_k"};
    // Added to every catalog type's GPU buffers before comparing with the budget: what the device
    // runtime itself holds (the CUDA context). Default: 612 MiB, measured on one H200 with CUDA 13
    // (2026-11-29, issue 15: driver peak minus llama.cpp's buffers). 0 to compare buffers only.
    std::uint64_t bytes_device_overhead = 612ull << 20;
    // llama.cpp's own sizes for a catalog shape at `ctx` (one sequence, full offload): the F16
    // file's buffers in the GPU-budget layout (runner::simulate_catalog_shape, which the CLI passes
    // in: this library reads no model). Each type then gets that KV cache and compute buffer plus
    // its own weights. Unset, or nullopt for a shape: the formula, labelled "estimate".
    std::function<std::optional<MemoryEstimate>(const ModelShape& shape, std::uint32_t ctx)>
        catalog_memory;
    // GPU bytes of `source_path` quantized to `quant_type` at `ctx`, for the types a model was not
    // measured in (from the full-precision source file, when it is still on disk). The CLI supplies
    // the sweep planner's estimate; unset, unmeasured types get no estimate (the report library
    // reads no model).
    std::function<Result<std::uint64_t>(const std::string& source_path,
                                        const std::string& quant_type, int ctx)>
        estimate_memory;
    int bootstrap_resamples = 1000;
    std::uint64_t seed = 1234;
};

struct Candidate {
    std::string model;
    std::string quant_type;
    std::string prompt;     // empty for estimates
    bool measured = false;  // false: memory from the estimate, no score
    std::vector<std::string> tasks;
    double score = 0.0, ci_low = 0.0, ci_high = 0.0;  // mean primary metric over `tasks`
    std::uint64_t bytes_memory = 0;                   // measured peak, or the estimate's GPU bytes
    bool fits = false;
    bool has_reference = false;
    double drop = 0.0, drop_ci_low = 0.0,
           drop_ci_high = 0.0;  // full precision - this (positive = loss)
    bool significant =
        false;  // the CI of `drop` excludes 0: a loss when drop > 0, a gain when drop < 0
    bool within_max_drop = true;
};

// One quantization type of a catalog shape at the requested context, full offload, one sequence.
struct CatalogTypeFit {
    std::string type;  // "iq4_xs"
    bool needs_imatrix =
        false;  // llama.cpp makes it only with an importance matrix (biomedq imatrix)
    std::uint64_t bytes_file = 0;  // tensor data, each tensor in the type llama.cpp gives it
    std::uint64_t bytes_gpu = 0;   // weights + KV + compute on the GPU + the device overhead
    std::string memory_source =
        "estimate";  // "simulation": KV and compute from llama.cpp (catalog_memory)
    bool fits = false;
    std::int64_t bytes_margin = 0;  // budget - bytes_gpu (negative: over)
};

struct CatalogFit {
    std::string model;  // display name
    std::string base;
    std::vector<CatalogTypeFit> types;  // every type biomedq knows, largest file first
    std::string best_type;  // the type with the largest file that fits at ctx; empty when none does
    std::uint64_t bytes_best = 0;
    std::uint32_t max_ctx =
        0;  // largest context (multiple of 256, <= trained) that fits at best_type
    std::string smallest_type;  // the smallest type considered, and what it needs
    std::uint64_t bytes_smallest = 0;
};

struct Recommendation {
    RecommendOptions options;
    std::vector<Candidate> ranked;     // measured, fit, within max drop: best first
    std::vector<Candidate> excluded;   // measured but over budget or over max drop
    std::vector<Candidate> estimated;  // not run yet: memory only
    std::vector<CatalogFit> catalog;
    std::string explanation;  // one paragraph about the top choice (or why there is none)

    nlohmann::json to_json() const;
    std::string to_text() const;
};

// Errors: kInvalidArgument for a task no stored run has (naming the known ones).
Result<Recommendation> recommend(const std::vector<StoredRun>& runs,
                                 const RecommendOptions& options);

}  // namespace biomedq
