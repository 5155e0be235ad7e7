// results.json: one document built from the sample log (scores) and the session's measurements
// (memory, speed, environment). Rescoring rebuilds the scores and keeps the measurements.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "biomedq/engine.h"
#include "biomedq/quant.h"
#include "biomedq/runner.h"
#include "runner/batch_shape.h"
#include "runner/eval_plan.h"

namespace biomedq::runner {

inline constexpr int kResultsSchemaVersion = 1;

// What this invocation measured (empty engine figures when nothing was left to run).
struct SessionMeasurements {
    std::string started_at, finished_at;
    int parallel = 0;
    std::size_t n_examples = 0;  // examples run in this invocation
    double t_wall_ms = 0.0;
    double t_generate_ms = 0.0;  // generation + scoring loop, excluding model load
    std::uint64_t host_peak_rss_bytes = 0;
    EngineStats engine_stats;
    std::vector<BufferMemory> buffers;
    std::vector<DeviceMemory> devices;
    std::string model_description;
    std::string backend = "llama.cpp (in-process)";
    std::string memory_source = "llama.cpp allocation log (per buffer) + driver free-memory readings + getrusage";
    std::optional<BatchShape> batch_shape;  // in-process runs that ran examples in this session
};

struct ResultsInputs {
    const RunConfig& config;
    const EvalPlan& plan;
    const ModelInfo& model;
    const std::string& model_sha256;
    const nlohmann::json& identity;
    const SessionMeasurements& session;
};

// Scores every task from <run_dir>/samples.jsonl and assembles results.json. When this session ran
// no example, memory and speed are carried over from an existing results.json. The batch shape the
// run started with comes from config.json (config.batch_shape; each session names its own).
Result<nlohmann::json> build_results_document(const ResultsInputs& inputs, const std::filesystem::path& run_dir);

// Replaces the "tasks" section of `document` by rescoring the samples (rescore).
Result<nlohmann::json> rescore_document(nlohmann::json document, const EvalPlan& plan,
                                        const std::filesystem::path& run_dir);

// Task | examples | primary metric [95% CI] | invalid — for the end of a run.
std::string summary_table(const nlohmann::json& document);

}  // namespace biomedq::runner
