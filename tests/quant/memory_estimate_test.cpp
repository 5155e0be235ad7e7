// `info`'s memory answer (llama.cpp's no-alloc simulation) against what llama.cpp really allocates
// when it loads the same file on this host's CPU, whatever extra CPU buffer types (CPU_REPACK, ...)
// this CPU gives the weights: both sides come from the running host, so no figure here belongs to
// one CPU. Zero-weight files: allocation sizes do not depend on the values.
#include <gtest/gtest.h>

#include <tuple>

#include "biomedq/memory_simulation.h"
#include "biomedq/quant.h"
#include "llama_probe.h"
#include "model_fixture.h"

namespace biomedq::test {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

void expect_info_within_2_percent(const std::filesystem::path& model, uint32_t ctx,
                                  uint32_t parallel, bool flash_attn,
                                  const std::string& kv_type = "f16",
                                  ggml_type kv_ggml_type = GGML_TYPE_F16) {
    SCOPED_TRACE(model.filename().string() + " ctx=" + std::to_string(ctx) + " parallel=" +
                 std::to_string(parallel) + " fa=" + std::to_string(flash_attn) + " kv=" + kv_type);
    MemoryRequest request;
    request.ctx_per_seq = ctx;
    request.n_parallel = parallel;
    request.flash_attn = flash_attn;
    request.kv_type = kv_type;
    auto sim = simulate_memory(model.string(), request);
    ASSERT_TRUE(sim.ok()) << sim.error().message;
    const MemoryEstimate& info = sim->totals;
    const LlamaAllocation real =
        probe_llama_allocation(model, ctx, parallel, flash_attn, kv_ggml_type);
    ASSERT_TRUE(real.loaded);
    EXPECT_EQ(info.n_ctx_total, real.n_ctx);
    auto near = [](double info_mib, double real_mib, const char* what) {
        EXPECT_NEAR(info_mib, real_mib, std::max(0.02 * real_mib, 0.01))
            << what << ": info " << info_mib << " MiB, llama.cpp " << real_mib << " MiB";
    };
    near(static_cast<double>(info.bytes_weights_host + info.bytes_weights_gpu) / kMiB,
         real.mib_model, "weights");
    near(static_cast<double>(info.bytes_kv) / kMiB, real.mib_kv, "KV");
    near(static_cast<double>(info.bytes_compute + info.bytes_compute_host) / kMiB, real.mib_compute,
         "compute");
    near(static_cast<double>(info.bytes_output) / kMiB, real.mib_output, "output");
    near(static_cast<double>(info.bytes_total()) / kMiB, real.mib_total(), "total");
    // Everything is on the host of a CPU-only run, and the per-device view adds up to the total.
    uint64_t devices = 0;
    for (const auto& d : sim->devices) devices += d.bytes_buffers();
    EXPECT_EQ(devices, info.bytes_total());
}

TEST(MemoryEstimate, InfoWithinTwoPercentOfLlamaCppTiny) {
    for (const std::string type : {"f16", "q8_0"}) {
        const auto model = zero_weight_model_path("tiny", type);
        for (auto [ctx, parallel] : {std::pair{256u, 1u}, {300u, 3u}}) {
            for (bool fa : {true, false}) expect_info_within_2_percent(model, ctx, parallel, fa);
        }
    }
}

TEST(MemoryEstimate, InfoWithinTwoPercentOfLlamaCppSmall) {
    for (const std::string type : {"f16", "q8_0"}) {
        const auto model = zero_weight_model_path("small", type);
        for (auto [ctx, parallel] : {std::pair{512u, 4u}, {4096u, 2u}, {8192u, 1u}}) {
            for (bool fa : {true, false}) expect_info_within_2_percent(model, ctx, parallel, fa);
        }
    }
}

TEST(MemoryEstimate, InfoWithQuantizedKvCacheWithinTwoPercentOfLlamaCpp) {
    // A quantized V cache needs flash attention.
    for (auto [name, type] :
         {std::pair{"q8_0", GGML_TYPE_Q8_0}, {"q4_0", GGML_TYPE_Q4_0}, {"bf16", GGML_TYPE_BF16}}) {
        expect_info_within_2_percent(zero_weight_model_path("small", "f16"), 4096u, 2u, true, name,
                                     type);
    }
}

TEST(MemoryEstimate, FormulaQuantizedKvCacheIsExactAndSmaller) {
    auto info = read_model_info(small_model_path());
    ASSERT_TRUE(info.ok());
    MemoryRequest f16, q8;
    q8.kv_type = "q8_0";
    // q8_0 stores 32 values in 34 bytes, f16 in 64.
    EXPECT_DOUBLE_EQ(static_cast<double>(estimate_memory(*info, q8).bytes_kv) /
                         static_cast<double>(estimate_memory(*info, f16).bytes_kv),
                     34.0 / 64.0);
}

}  // namespace
}  // namespace biomedq::test
