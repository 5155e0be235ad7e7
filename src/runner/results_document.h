// results.json: one document built from the sample log (scores) and the session's measurements
// (memory, speed, environment). Rescoring rebuilds the scores and keeps the measurements.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "biomedq/backend.h"
#include "biomedq/engine.h"
#include "biomedq/quant.h"
#include "biomedq/record.h"
#include "biomedq/runner.h"
#include "runner/batch_shape.h"
#include "runner/eval_plan.h"

namespace biomedq::runner {

inline constexpr int kResultsSchemaVersion = 1;

// What this invocation measured (empty engine figures when nothing was left to run).
// How the in-process backend measures, for a session that ran nothing (devices only).
inline BackendMeasurements in_process_defaults() {
    BackendMeasurements m;
    m.backend = "llama.cpp (in-process)";
    m.memory_source =
        "llama.cpp allocation log (per buffer) + driver free-memory readings + getrusage";
    return m;
}

struct SessionMeasurements {
    std::string started_at, finished_at;
    int parallel = 0;
    std::size_t n_examples = 0;  // examples run in this invocation
    // Sent, but no answer came (transport failures): not recorded.
    std::size_t n_examples_unanswered = 0;
    // A partial last line the sample log cut when it opened.
    std::uint64_t n_partial_line_bytes_cut = 0;
    double t_wall_ms = 0.0;
    double t_generate_ms = 0.0;  // generation + scoring loop, excluding model load
    std::uint64_t host_peak_rss_bytes = 0;
    // What the backend measured (engine statistics, buffers, devices); before a backend ran, the
    // devices only (the defaults say how the in-process backend measures).
    BackendMeasurements measured = in_process_defaults();
    std::optional<BatchShape> batch_shape;  // in-process runs that ran examples in this session
};

struct ResultsInputs {
    const RunConfig& config;
    const EvalPlan& plan;
    const ModelInfo& model;
    const std::string& model_sha256;
    const nlohmann::json& identity;  // the spec plus the model and task-file hashes (config.json)
    const SessionMeasurements& session;
};

// Scores every task from <run_dir>/samples.jsonl (each planned example once) and assembles the
// run record: `complete` when every selected example has an answer, `repairs` what was left out of
// the log (cut partial line, duplicates, foreign records). When this session ran no example, memory
// and speed are carried over from an existing results.json. The batch shape the run started with
// comes from config.json (config.batch_shape; each session names its own).
Result<RunRecord> build_run_record(const ResultsInputs& inputs,
                                   const std::filesystem::path& run_dir);

// Replaces the tasks, completeness and repairs of `run` by rescoring the samples (rescore);
// `partial_line_bytes_dropped`: a partial last line the rescore left out of the log.
Status rescore_run_record(RunRecord& run, const EvalPlan& plan,
                          const std::filesystem::path& run_dir,
                          std::uint64_t partial_line_bytes_dropped = 0);

// Task | examples | primary metric [95% CI] | invalid — for the end of a run.
std::string summary_table(const RunRecord& run);

}  // namespace biomedq::runner
