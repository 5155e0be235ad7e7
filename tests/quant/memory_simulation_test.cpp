// llama.cpp's no-alloc simulation: no weights read even for a 70B file, exact KV arithmetic, per
// device and buffer views that add up, and errors as values.
#include "biomedq/memory_simulation.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "biomedq/quant.h"
#include "model_fixture.h"

namespace biomedq::test {
namespace {

// Bytes this process has read through read(2) and friends so far (/proc/self/io "rchar").
uint64_t bytes_read_by_process() {
    std::ifstream in("/proc/self/io");
    std::string key;
    uint64_t value = 0;
    while (in >> key >> value) {
        if (key == "rchar:") return value;
    }
    return 0;
}

TEST(MemorySimulation, SeventyBillionZeroWeightFileWithoutReadingWeights) {
    const auto model = zero_weight_model_path("llama-3-70b", "q4_k_m");
    auto info = read_model_info(model);
    ASSERT_TRUE(info.ok()) << info.error().message;
    ASSERT_GT(info->bytes_tensors, 30ull << 30);
    MemoryRequest request;
    request.ctx_per_seq = 4096;
    const uint64_t read_before = bytes_read_by_process();
    auto sim = simulate_memory(model.string(), request);
    const uint64_t read = bytes_read_by_process() - read_before;
    ASSERT_TRUE(sim.ok()) << sim.error().message;
    // The header and the tokenizer only: a few MB of a 40 GB file.
    EXPECT_LT(read, 64ull << 20) << read;
    // Weights: every tensor, each padded to llama.cpp's alignment at most.
    const uint64_t weights = sim->totals.bytes_weights_host + sim->totals.bytes_weights_gpu;
    EXPECT_GE(weights, info->bytes_tensors);
    EXPECT_LT(weights, info->bytes_tensors + 32ull * 1024 * 1024);
    // 80 layers x 4096 cells x (K + V) x 8 KV heads x 128 x 2 bytes.
    EXPECT_EQ(sim->totals.bytes_kv, 80ull * 4096 * 2 * 8 * 128 * 2);
    EXPECT_EQ(sim->totals.bytes_output, 128256ull * 4);
}

TEST(MemorySimulation, BuffersAndDevicesAddUpToTheTotals) {
    MemoryRequest request;
    request.ctx_per_seq = 512;
    request.n_parallel = 2;
    auto sim = simulate_memory(tiny_model_path().string(), request);
    ASSERT_TRUE(sim.ok()) << sim.error().message;
    ASSERT_FALSE(sim->devices.empty());
    EXPECT_EQ(sim->devices.front().name, "CPU");
    EXPECT_TRUE(sim->devices.front().host);
    EXPECT_EQ(sim->devices.front().bytes_runtime_overhead, 0u);
    uint64_t weights = 0, kv = 0, compute = 0;
    bool has_cpu = false;
    for (const auto& b : sim->buffers) {
        weights += b.bytes_weights;
        kv += b.bytes_kv;
        compute += b.bytes_compute;
        has_cpu = has_cpu || b.buffer_type == "CPU";
    }
    EXPECT_TRUE(has_cpu);
    const MemoryEstimate& t = sim->totals;
    EXPECT_EQ(weights, t.bytes_weights_host + t.bytes_weights_gpu);
    EXPECT_EQ(kv, t.bytes_kv);
    EXPECT_EQ(compute, t.bytes_compute + t.bytes_compute_host);
    EXPECT_EQ(t.n_ctx_total, 1024u);
    EXPECT_EQ(t.n_ctx_seq, 512u);
    // tiny: 2 layers x 1024 cells x (K + V) x 2 KV heads x 64 x 2 bytes.
    EXPECT_EQ(t.bytes_kv, 2ull * 1024 * 2 * 2 * 64 * 2);
}

TEST(MemorySimulation, ErrorsAreValues) {
    MemoryRequest request;
    auto missing = simulate_memory((quant_temp_dir() / "missing.gguf").string(), request);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    const auto text = quant_temp_dir() / "not-a-model.gguf";
    std::ofstream(text) << "hello";
    auto not_gguf = simulate_memory(text.string(), request);
    ASSERT_FALSE(not_gguf.ok());
    EXPECT_EQ(not_gguf.error().code, ErrorCode::kParse);
    request.kv_type = "q9_9";
    auto bad_kv = simulate_memory(tiny_model_path().string(), request);
    ASSERT_FALSE(bad_kv.ok());
    EXPECT_EQ(bad_kv.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace biomedq::test
