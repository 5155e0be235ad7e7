// --parallel: a number, or "auto" = the largest count whose memory (llama.cpp's no-alloc simulation,
// or quant's formula from GGUF metadata where llama.cpp cannot simulate) fits the free memory of the device the model runs on, so users never tune it to
// avoid running out of memory.
#pragma once

#include <functional>

#include "biomedq/quant.h"
#include "biomedq/runner.h"

namespace biomedq::runner {

// Fraction of free memory the estimate may use; the rest is headroom for the driver and fragmentation.
inline constexpr double kMemoryHeadroom = 0.90;
inline constexpr int kMaxAutoParallel = 64;

// Errors: kInvalidArgument for a malformed value; kResource when not even one sequence fits.
Result<int> choose_parallel(const RunConfig& config, const ModelInfo& model, std::size_t n_pending);

// The decision: largest p in 1..max_parallel (powers of two) with bytes_for(p) <= budget.
int largest_fitting_parallel(const std::function<std::uint64_t(int)>& bytes_for, std::uint64_t budget_bytes,
                             int max_parallel);

// The pure decision on the formula, for tests: largest p in 1..max_parallel (powers of two) with bytes(p) <= budget.
int largest_fitting_parallel(const ModelInfo& model, const MemoryRequest& base, std::uint64_t budget_bytes,
                             bool gpu, int max_parallel);

}  // namespace biomedq::runner
