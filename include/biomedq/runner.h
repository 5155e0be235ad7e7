// `biomedq eval` as a library: one resolved configuration in, a run directory out
// (config.json, samples.jsonl, results.json). Resumable: rerunning with the same directory keeps
// finished examples and runs the rest; a different configuration is refused. One process at a time:
// eval, sweep cells and rescore lock the directory, and a second one is refused (kConflict) naming
// the holder's pid.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "biomedq/result.h"

namespace biomedq {

// Everything a run depends on, with defaults in one place. Fields that only change speed
// (parallel, gpu_layers, threads) are left out of the configuration hash, so a resumed run may change
// them; everything that can change an answer is in it. `parallel` is the exception that proves the
// rule: which sequences share a batch can flip a near-tied greedy choice, so the resolved value is
// recorded in config.json ("batch_shape") and a resume reuses it (README "Greedy determinism").
struct RunConfig {
    std::string model_path;
    std::vector<std::string> tasks = {"bc5cdr-chem", "ncbi-disease", "chemprot", "ddi",
                                      "hoc",         "litcovid",     "medqa",    "pubmedqa"};
    // Benchmark protocol: "biomedq" (its own prompts and metrics) or "chen2025" (the published prompt
    // files, parsers and metrics of Chen et al. 2025; prompt zero-shot, few-shot:1 or few-shot:5).
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
    int ctx = 4096;                    // tokens per sequence
    std::string kv_type = "f16";       // KV cache type (kv_cache_type_names()); changes answers slightly
    int gpu_layers = -1;
    std::string parallel = "auto";  // a number or "auto"
    int threads = 0;
    int bootstrap_resamples = 1000;
    std::string data_dir;   // empty: the default data dir
    std::string tasks_dir;  // empty: the shipped tasks/
    std::string out_dir;
    // Server backends (OpenAI-compatible): when non-empty, requests go to these endpoints instead of an
    // in-process model; model_path may then be empty.
    std::vector<std::string> endpoints;
    std::string model_name;         // the model name the servers expect
    int endpoint_concurrency = 8;   // requests in flight per endpoint
    double request_timeout_s = 600;
    // Every endpoint unreachable this long stops the run (non-zero exit, results.json incomplete)
    // instead of recording the unanswered examples; rerunning finishes them.
    double endpoint_outage_timeout_s = 120;
    bool allow_remote = false;      // permit endpoints / RPC servers outside loopback and private nets
    std::vector<std::string> rpc_servers;  // llama.cpp rpc-server host:port list (in-process backend)
    bool progress = true;
    bool verbose = false;
};

// The parts of a RunConfig that determine results, as JSON (written to config.json).
nlohmann::json run_config_identity(const RunConfig& config);

// Outcome of one eval invocation.
struct RunOutcome {
    std::filesystem::path results_path;
    std::size_t n_examples_total = 0;
    std::size_t n_examples_resumed = 0;  // already in samples.jsonl before this invocation
    std::size_t n_examples_run = 0;
    std::string summary_table;  // printed at the end
};

// Runs (or resumes) an evaluation. `cancel` (set by Ctrl-C) stops after flushing finished examples;
// the result is then kCancelled and the run can be resumed. When examples are left without an answer
// (servers unreachable past endpoint_outage_timeout_s, requests that kept failing, a decode failure),
// results.json is written with "complete": false and the result is an error (kBackend, or the
// backend's own code) saying how many are missing; nothing is recorded for them, so a rerun runs them.
// A malformed samples.jsonl record is kParse naming file, line and field; two different records for
// one example are kConflict; exact repeats and records of unselected examples are reported on stderr
// and in results.json "repairs", and not scored.
Result<RunOutcome> run_eval(const RunConfig& config, const std::atomic<bool>* cancel = nullptr);

// Re-parses and re-scores saved outputs with the current parsers and metrics, without the model,
// rewriting results.json (other sections are kept). Reads samples.jsonl like a resume does (same
// errors, same repairs, reported on stderr); records of unselected examples are kept in the log as
// they are but not scored.
Result<RunOutcome> rescore_run(const std::filesystem::path& run_dir);

// Per task: paired difference of every metric (B - A) with CI and p-value, and agreement rate, over
// the examples both runs finished. Returns the comparison as JSON and a printable table. Each metric
// says whether B is significantly better or worse than A (p < 0.05): "significant gain" (B - A > 0),
// "significant loss" (B - A < 0) or "not significant" (the table prints "-").
struct Comparison {
    nlohmann::json json;
    std::string table;
};
Result<Comparison> compare_runs(const std::filesystem::path& run_a, const std::filesystem::path& run_b,
                                int bootstrap_resamples = 1000, std::uint64_t seed = 1234);

}  // namespace biomedq
