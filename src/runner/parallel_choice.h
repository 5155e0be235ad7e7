// --parallel: a number, or "auto" = the largest count whose memory (llama.cpp's no-alloc
// simulation, or quant's formula from GGUF metadata where llama.cpp cannot simulate) fits the free
// memory of the device the model runs on, so users never tune it to avoid running out of memory.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "biomedq/quant.h"
#include "biomedq/runner.h"

namespace biomedq::runner {

// Fraction of free memory the estimate may use; the rest is headroom for the driver and
// fragmentation.
inline constexpr double kMemoryHeadroom = 0.90;
inline constexpr int kMaxAutoParallel = 64;

// What --parallel resolved to and why: printed by eval and kept in config.json and results.json
// (config.parallel_choice), so a reader of a run knows whether 8 sequences were asked for or
// chosen, against which budget, and by which sizing.
struct ParallelChoice {
    std::string requested;  // the flag as given: "auto" or a number
    int parallel = 0;       // the value used
    // "requested": a number was given; "simulation": llama.cpp's no-alloc load sized each
    // candidate; "estimate": the formula from GGUF metadata did (llama.cpp could not simulate).
    std::string method;
    std::string device;              // "GPU" or "host": whose free memory is the budget (auto only)
    std::uint64_t bytes_free = 0;    // free memory of that device when chosen (auto only)
    std::uint64_t bytes_budget = 0;  // kMemoryHeadroom of it (auto only)
    std::uint64_t bytes_needed = 0;  // memory at the chosen value, as measured against the budget
    std::uint64_t bytes_kv_per_sequence = 0;  // KV cache of one sequence of --ctx tokens
    int cap = 0;         // the largest value tried: kMaxAutoParallel, less for few examples
    std::string reason;  // one sentence for people
};

nlohmann::json parallel_choice_to_json(const ParallelChoice& choice);

// Errors: kInvalidArgument for a malformed value; kResource when not even one sequence fits.
Result<ParallelChoice> choose_parallel(const RunConfig& config, const ModelInfo& model,
                                       std::size_t n_pending);

// config.json "parallel_choice": written once, when the run's batch shape is first recorded (a
// resume keeps the first choice, as it keeps the shape). read_ returns null when none is recorded.
Status record_parallel_choice(const std::filesystem::path& run_dir, const ParallelChoice& choice);
nlohmann::json read_parallel_choice(const std::filesystem::path& run_dir);

// The decision: largest p in 1..max_parallel (powers of two) with bytes_for(p) <= budget.
int largest_fitting_parallel(const std::function<std::uint64_t(int)>& bytes_for,
                             std::uint64_t budget_bytes, int max_parallel);

// The pure decision on the formula, for tests: largest p in 1..max_parallel (powers of two) with
// bytes(p) <= budget.
int largest_fitting_parallel(const ModelInfo& model, const MemoryRequest& base,
                             std::uint64_t budget_bytes, bool gpu, int max_parallel);

}  // namespace biomedq::runner
