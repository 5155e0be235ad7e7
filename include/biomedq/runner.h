// `biomedq eval` as a library: one resolved configuration in, a run directory out
// (config.json, samples.jsonl, results.json). Resumable: rerunning with the same directory keeps
// finished examples and runs the rest; a different configuration is refused. One process at a time:
// eval, sweep cells and rescore lock the directory, and a second one is refused (kConflict) naming
// the holder's pid.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "biomedq/record.h"
#include "biomedq/result.h"

namespace biomedq {

// Which backend answers: an in-process model file, or OpenAI-compatible servers. Speed-only
// settings (gpu_layers, threads) live here too: they never change the run's identity.
struct BackendSpec {
    std::string model_path;
    int gpu_layers = -1;
    int threads = 0;
    std::vector<std::string>
        rpc_servers;  // llama.cpp rpc-server host:port list (in-process backend)
    // Server backends (OpenAI-compatible): when non-empty, requests go to these endpoints instead
    // of an in-process model; model_path may then be empty.
    std::vector<std::string> endpoints;
    std::string model_name;        // the model name the servers expect
    int endpoint_concurrency = 8;  // requests in flight per endpoint
    double request_timeout_s = 600;
    // Every endpoint unreachable this long stops the run (non-zero exit, results.json incomplete)
    // instead of recording the unanswered examples; rerunning finishes them.
    double endpoint_outage_timeout_s = 120;
    bool allow_remote = false;  // permit endpoints / RPC servers outside loopback and private nets
    // In-process decoding: shared prompt prefixes decoded once (--prefix-reuse), and the batch
    // sizes (--batch, --ubatch; 0: chosen for the device, runner/batch_sizes.h).
    bool prefix_reuse = true;
    bool kv_unified = false;  // --kv-unified (EngineOptions::kv_unified)
    int n_batch = 0;
    int n_ubatch = 0;
};

// How this invocation runs, beside what it evaluates. `parallel` is recorded in config.json
// ("batch_shape") and reused on resume: which sequences share a batch can flip a near-tied greedy
// choice (README "Greedy determinism").
struct RunOptions {
    std::string parallel = "auto";  // a number or "auto"
    int bootstrap_resamples = 1000;
    std::string data_dir;   // empty: the default data dir
    std::string tasks_dir;  // empty: the shipped tasks/
    std::string out_dir;
    bool progress = true;
    bool verbose = false;
};

// Everything an eval invocation takes, by role: the EvalSpec (biomedq/record.h) is what changes
// answers and is the run's identity; the rest picks the backend and how it runs. Defaults live in
// the three declarations.
struct RunConfig : EvalSpec, BackendSpec, RunOptions {};

// Outcome of one eval invocation.
struct RunOutcome {
    std::filesystem::path results_path;
    std::size_t n_examples_total = 0;
    std::size_t n_examples_resumed = 0;  // already in samples.jsonl before this invocation
    std::size_t n_examples_run = 0;
    std::string summary_table;  // printed at the end
};

// Runs (or resumes) an evaluation. `cancel` (set by Ctrl-C) stops after flushing finished examples;
// the result is then kCancelled and the run can be resumed. When examples are left without an
// answer (servers unreachable past endpoint_outage_timeout_s, requests that kept failing, a decode
// failure), results.json is written with "complete": false and the result is an error (kBackend, or
// the backend's own code) saying how many are missing; nothing is recorded for them, so a rerun
// runs them. A malformed samples.jsonl record is kParse naming file, line and field; two different
// records for one example are kConflict; exact repeats and records of unselected examples are
// reported on stderr and in results.json "repairs", and not scored.
Result<RunOutcome> run_eval(const RunConfig& config, const std::atomic<bool>* cancel = nullptr);

// Re-parses and re-scores saved outputs with the current parsers and metrics, without the model,
// rewriting results.json (other sections are kept). Reads samples.jsonl like a resume does (same
// errors, same repairs, reported on stderr); records of unselected examples are kept in the log as
// they are but not scored.
Result<RunOutcome> rescore_run(const std::filesystem::path& run_dir);

// Per task: paired difference of every metric (B - A) with CI and p-value, and agreement rate, over
// the examples both runs finished. Returns the comparison as JSON and a printable table. Each
// metric says whether B is significantly better or worse than A (p < 0.05): "significant gain" (B -
// A > 0), "significant loss" (B - A < 0) or "not significant" (the table prints "-").
struct Comparison {
    nlohmann::json json;
    std::string table;
};
Result<Comparison> compare_runs(const std::filesystem::path& run_a,
                                const std::filesystem::path& run_b, int bootstrap_resamples = 1000,
                                std::uint64_t seed = 1234);

}  // namespace biomedq
