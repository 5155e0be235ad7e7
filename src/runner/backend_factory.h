// Chooses and creates the backend a run evaluates through.
#pragma once

#include <memory>

#include "biomedq/backend.h"
#include "biomedq/runner.h"
#include "runner/batch_shape.h"

namespace biomedq::runner {

// In-process llama.cpp for a model file, or the OpenAI-compatible backend for --endpoint.
// `shape` is the in-process engine's batch shape (the servers of --endpoint batch on their own).
Result<std::unique_ptr<Backend>> make_backend(const RunConfig& config, const BatchShape& shape);

}  // namespace biomedq::runner
