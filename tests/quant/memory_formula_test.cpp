// The formula (estimate_memory, what remains where llama.cpp cannot simulate: catalog shapes
// without a file, a file llama.cpp cannot read) pinned against llama.cpp's own no-alloc simulation
// of the same file, over shapes, weight types, context, parallel sequences, KV cache types and
// flash attention.
#include <gtest/gtest.h>

#include "biomedq/memory_simulation.h"
#include "biomedq/quant.h"
#include "model_fixture.h"

namespace biomedq::test {
namespace {

struct Case {
    uint32_t ctx;
    uint32_t parallel;
    std::string kv_type;
    bool flash_attn;
};

void expect_formula_within_3_percent(const std::string& shape, const std::string& type) {
    const auto model = zero_weight_model_path(shape, type);
    auto info = read_model_info(model);
    ASSERT_TRUE(info.ok()) << info.error().message;
    const Case cases[] = {{256, 1, "f16", true},   {300, 3, "f16", true},   {4096, 2, "f16", true},
                          {4096, 2, "f16", false}, {2048, 8, "f16", false}, {4096, 2, "q8_0", true},
                          {8192, 1, "q4_0", true}, {1024, 4, "q8_0", true}};
    for (const auto& c : cases) {
        SCOPED_TRACE(shape + " " + type + " ctx=" + std::to_string(c.ctx) +
                     " parallel=" + std::to_string(c.parallel) + " kv=" + c.kv_type +
                     " fa=" + std::to_string(c.flash_attn));
        MemoryRequest request;
        request.ctx_per_seq = c.ctx;
        request.n_parallel = c.parallel;
        request.kv_type = c.kv_type;
        request.flash_attn = c.flash_attn;
        auto sim = simulate_memory(model.string(), request);
        ASSERT_TRUE(sim.ok()) << sim.error().message;
        const MemoryEstimate formula = estimate_memory(*info, request);
        const MemoryEstimate& real = sim->totals;
        EXPECT_EQ(formula.n_ctx_total, real.n_ctx_total);
        EXPECT_EQ(formula.bytes_kv, real.bytes_kv);
        EXPECT_EQ(formula.bytes_output, real.bytes_output);
        const auto total = static_cast<double>(formula.bytes_total());
        const auto simulated = static_cast<double>(real.bytes_total());
        EXPECT_NEAR(total / simulated, 1.0, 0.03)
            << "formula " << total / 1048576 << " MiB, simulation " << simulated / 1048576
            << " MiB (compute " << static_cast<double>(formula.bytes_compute_host) / 1048576
            << " vs " << static_cast<double>(real.bytes_compute_host) / 1048576 << " MiB)";
    }
}

TEST(MemoryFormula, TinyWithinThreePercentOfSimulation) {
    for (const std::string type : {"f16", "q8_0", "q4_k_m"})
        expect_formula_within_3_percent("tiny", type);
}

TEST(MemoryFormula, SmallWithinThreePercentOfSimulation) {
    for (const std::string type : {"f16", "q8_0", "q4_k_m"})
        expect_formula_within_3_percent("small", type);
}

}  // namespace
}  // namespace biomedq::test
