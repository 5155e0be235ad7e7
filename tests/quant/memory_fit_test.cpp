// `info --fit`: the edge found by bisection is the exact edge of llama.cpp's simulated sizes.
#include <gtest/gtest.h>

#include "biomedq/memory_simulation.h"
#include "model_fixture.h"

namespace biomedq::test {
namespace {

std::uint64_t simulated_bytes(const std::filesystem::path& model, uint32_t ctx, uint32_t parallel) {
    MemoryRequest r;
    r.ctx_per_seq = ctx;
    r.n_parallel = parallel;
    auto sim = simulate_memory(model.string(), r);
    EXPECT_TRUE(sim.ok()) << sim.error().message;
    bool device = false;
    return sim.ok() ? bytes_against_budget(*sim, device) : 0;
}

TEST(MemoryFit, LargestContextAndParallelAreTheSimulatedEdge) {
    const auto model = zero_weight_model_path("small", "f16");
    // A budget exactly what 2 x 2048 tokens need: 2048 per sequence fits, 2304 does not.
    const std::uint64_t budget = simulated_bytes(model, 2048, 2);
    ASSERT_GT(simulated_bytes(model, 2304, 2), budget);
    MemoryRequest request;
    request.ctx_per_seq = 512;
    request.n_parallel = 2;
    auto fit = fit_memory(model.string(), request, budget, 4096);
    ASSERT_TRUE(fit.ok()) << fit.error().message;
    EXPECT_TRUE(fit->fits);
    EXPECT_EQ(fit->max_ctx_per_seq, 2048u);
    // At 512 tokens, the largest power of two whose simulated size is within the budget.
    uint32_t expected = 0;
    for (uint32_t p = 1; p <= 64 && simulated_bytes(model, 512, p) <= budget; p *= 2) expected = p;
    EXPECT_EQ(fit->max_parallel, expected);
    // 4 x 512 cells fit; 8 x 512 holds as many KV cells as the budget's 2 x 2048 but 6 more logits
    // rows.
    EXPECT_EQ(expected, 4u);

    // Capped by the limit (the trained context), and nothing fits a budget below the weights.
    auto capped = fit_memory(model.string(), request, budget * 4, 1024);
    ASSERT_TRUE(capped.ok());
    EXPECT_EQ(capped->max_ctx_per_seq, 1024u);
    auto none = fit_memory(model.string(), request, 1 << 20, 4096);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->fits);
    EXPECT_EQ(none->max_ctx_per_seq, 0u);
    EXPECT_EQ(none->max_parallel, 0u);
}

}  // namespace
}  // namespace biomedq::test
