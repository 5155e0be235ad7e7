// The engine tests' shared steps: the tiny synthetic model on the CPU, and a generate call whose
// results come back by request index.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "biomedq/engine.h"
#include "support/tiny_model.h"

namespace biomedq::test {

// The tiny model on the CPU with `parallel` sequences of `ctx` tokens; change the rest before load.
inline EngineOptions tiny_engine_options(int parallel, int ctx = 512) {
    EngineOptions o;
    o.model_path = tiny_model_path().string();
    o.parallel = parallel;
    o.ctx_per_sequence = ctx;
    o.gpu_layers = 0;
    return o;
}

// Null (with a test failure) when the engine does not load.
inline std::unique_ptr<Engine> load_engine(const EngineOptions& options) {
    auto e = Engine::load(options);
    EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message);
    return e.ok() ? std::move(e).value() : nullptr;
}

inline std::vector<GenerationResult> generate_each(Engine& engine,
                                                   const std::vector<GenerationRequest>& requests) {
    std::vector<GenerationResult> results(requests.size());
    const Status status = engine.generate(
        requests, [&](std::size_t i, GenerationResult&& r) { results[i] = std::move(r); });
    EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error().message);
    return results;
}

}  // namespace biomedq::test
