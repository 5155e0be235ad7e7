// The estimate against what llama.cpp really allocates on the CPU, for both test shapes, with and
// without flash attention, over context/parallel combinations including ones that llama.cpp pads.
#include <gtest/gtest.h>

#include <tuple>

#include "biomedq/quant.h"
#include "llama_probe.h"
#include "model_fixture.h"

namespace biomedq::test {
namespace {

void expect_within_10_percent(const std::filesystem::path& model, uint32_t ctx, uint32_t parallel,
                              bool flash_attn, const std::string& kv_type = "f16",
                              ggml_type kv_ggml_type = GGML_TYPE_F16) {
    auto info = read_model_info(model);
    ASSERT_TRUE(info.ok()) << info.error().message;
    MemoryRequest request;
    request.ctx_per_seq = ctx;
    request.n_parallel = parallel;
    request.flash_attn = flash_attn;
    request.kv_type = kv_type;
    const MemoryEstimate estimate = estimate_memory(*info, request);
    const LlamaAllocation real = probe_llama_allocation(model, ctx, parallel, flash_attn, kv_ggml_type);
    ASSERT_TRUE(real.loaded);
    const double mib = 1024.0 * 1024.0;
    SCOPED_TRACE(model.filename().string() + " ctx=" + std::to_string(ctx) +
                 " parallel=" + std::to_string(parallel) + " fa=" + std::to_string(flash_attn) +
                 " kv=" + kv_type);
    EXPECT_EQ(estimate.n_ctx_total, real.n_ctx);
    // KV and weights are exact arithmetic; the compute buffer is the modeled part.
    EXPECT_NEAR(static_cast<double>(estimate.bytes_kv) / mib, real.mib_kv, 0.01);
    EXPECT_NEAR(static_cast<double>(estimate.bytes_weights_host) / mib, real.mib_model, 0.01);
    const double total = static_cast<double>(estimate.bytes_total()) / mib;
    EXPECT_NEAR(total / real.mib_total(), 1.0, 0.10)
        << "estimate " << total << " MiB, llama.cpp " << real.mib_total() << " MiB (compute "
        << static_cast<double>(estimate.bytes_compute_host) / mib << " vs " << real.mib_compute << ")";
}

TEST(MemoryEstimate, TinyWithinTenPercentOfLlamaCpp) {
    for (auto [ctx, parallel] : {std::pair{256u, 1u}, {300u, 3u}}) {
        for (bool fa : {true, false}) expect_within_10_percent(tiny_model_path(), ctx, parallel, fa);
    }
}

TEST(MemoryEstimate, SmallWithinTenPercentOfLlamaCpp) {
    for (auto [ctx, parallel] :
         {std::pair{512u, 4u}, {4096u, 2u}, {8192u, 1u}}) {
        for (bool fa : {true, false}) expect_within_10_percent(small_model_path(), ctx, parallel, fa);
    }
}

TEST(MemoryEstimate, QuantizedKvCacheIsExactAndSmaller) {
    // A quantized V cache needs flash attention.
    for (auto [name, type] : {std::pair{"q8_0", GGML_TYPE_Q8_0}, {"q4_0", GGML_TYPE_Q4_0}, {"bf16", GGML_TYPE_BF16}}) {
        expect_within_10_percent(small_model_path(), 4096u, 2u, true, name, type);
    }
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
