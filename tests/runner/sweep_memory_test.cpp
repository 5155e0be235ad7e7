// Sweep planning sizes cells with llama.cpp's no-alloc simulation where the cell's file exists and
// with the formula (labelled "estimate") only where it does not (issue 15).
#include <gtest/gtest.h>

#include <fstream>

#include "biomedq/memory_simulation.h"
#include "biomedq/sweep.h"
#include "runner/parallel_choice.h"
#include "support/paths.h"
#include "support/tiny_model.h"

namespace biomedq {
namespace {

SweepSpec tiny_sweep(const std::filesystem::path& dir, const std::string& parallel) {
    std::ofstream(dir / "grid.yaml")
        << "models:\n  - {name: tiny, path: " << test::tiny_model_path().string()
        << "}\nquant_types: [q4_k_m]\ntasks: [pubmedqa]\nctx: 512\nparallel: " << parallel
        << "\nfidelity: false\nout: out\n";
    auto spec = load_sweep_file(dir / "grid.yaml");
    EXPECT_TRUE(spec.ok()) << spec.error().message;
    return spec.ok() ? *spec : SweepSpec{};
}

TEST(SweepMemory, AnExistingFileIsSimulatedAMissingOneEstimated) {
    const auto dir = test::make_temp_dir("sweep_memory");
    const SweepSpec spec = tiny_sweep(dir, "2");
    auto cells = plan_sweep(spec);
    ASSERT_TRUE(cells.ok()) << cells.error().message;
    ASSERT_EQ(cells->size(), 2u);  // the F16 source, Q4_K_M (not quantized yet)

    auto source = estimate_cell_memory(spec, (*cells)[0]);
    ASSERT_TRUE(source.ok()) << source.error().message;
    EXPECT_EQ(source->source, "simulation");
    EXPECT_FALSE(source->estimated_from_source);
    MemoryRequest request = cell_memory_request(spec);
    EXPECT_EQ(request.n_parallel, 2u);
    EXPECT_EQ(request.ctx_per_seq, 512u);
    auto sim = simulate_memory(test::tiny_model_path().string(), request);
    ASSERT_TRUE(sim.ok()) << sim.error().message;
    // llama.cpp's own figures, whatever this host's buffer types.
    EXPECT_EQ(source->estimate.bytes_kv, sim->totals.bytes_kv);
    EXPECT_EQ(source->estimate.bytes_weights_gpu + source->estimate.bytes_weights_host,
              sim->totals.bytes_weights_gpu + sim->totals.bytes_weights_host);
    EXPECT_EQ(source->estimate.bytes_output, sim->totals.bytes_output);
    if (!source->device_simulated) {
        // No GPU here: judged as if every layer were offloaded; token_embd and the logits stay on
        // the host.
        auto info = read_model_info(test::tiny_model_path());
        ASSERT_TRUE(info.ok());
        EXPECT_EQ(source->estimate.bytes_weights_host, info->bytes_token_embd);
        EXPECT_EQ(source->estimate.bytes_kv_gpu, source->estimate.bytes_kv);
        EXPECT_EQ(source->estimate.bytes_compute_host, 0u);
        EXPECT_EQ(source->bytes_device_overhead, 0u);
        EXPECT_EQ(source->bytes_gpu_budgeted(),
                  sim->totals.bytes_total() - info->bytes_token_embd - sim->totals.bytes_output);
    }

    auto quantized = estimate_cell_memory(spec, (*cells)[1]);
    ASSERT_TRUE(quantized.ok()) << quantized.error().message;
    EXPECT_EQ(quantized->source, "estimate");
    EXPECT_TRUE(quantized->estimated_from_source);
    EXPECT_FALSE(quantized->estimate_reason.empty());
    std::filesystem::remove_all(dir);
}

TEST(SweepMemory, ParallelAutoTakesTheLargestSimulatedCountWithinTheBudget) {
    const auto dir = test::make_temp_dir("sweep_memory_auto");
    const SweepSpec spec = tiny_sweep(dir, "auto");
    auto cells = plan_sweep(spec);
    ASSERT_TRUE(cells.ok()) << cells.error().message;
    MemoryRequest r = cell_memory_request(spec);
    EXPECT_EQ(r.n_parallel, 1u);
    r.n_parallel = 4;
    auto at4 = cell_memory_at((*cells)[0], r);
    r.n_parallel = 8;
    auto at8 = cell_memory_at((*cells)[0], r);
    ASSERT_TRUE(at4.ok() && at8.ok());
    EXPECT_EQ(at4->source, "simulation");
    ASSERT_LT(at4->bytes_gpu_budgeted(), at8->bytes_gpu_budgeted());
    // A card whose headroom holds 4 sequences exactly, and one byte less.
    const auto card = [](std::uint64_t bytes) {
        return static_cast<std::uint64_t>(static_cast<double>(bytes) / runner::kMemoryHeadroom) + 2;
    };
    auto four = cell_parallel_within(spec, (*cells)[0], card(at4->bytes_gpu_budgeted()));
    ASSERT_TRUE(four.ok()) << four.error().message;
    EXPECT_EQ(*four, 4);
    auto two = cell_parallel_within(spec, (*cells)[0], card(at4->bytes_gpu_budgeted()) - 64);
    ASSERT_TRUE(two.ok());
    EXPECT_EQ(*two, 2);
    auto none = cell_parallel_within(spec, (*cells)[0], 1024);
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(*none, 0);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace biomedq
