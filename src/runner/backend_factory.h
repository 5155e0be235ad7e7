// Chooses and creates the backend a run evaluates through.
#pragma once

#include <memory>

#include "biomedq/backend.h"
#include "biomedq/runner.h"

namespace biomedq::runner {

// In-process llama.cpp for a model file, or the OpenAI-compatible backend for --endpoint.
// `parallel` is the resolved sequence count for the in-process engine.
Result<std::unique_ptr<Backend>> make_backend(const RunConfig& config, int parallel);

}  // namespace biomedq::runner
