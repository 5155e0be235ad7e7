// recommend --catalog with llama.cpp's sizes (issue 15): where the CLI's simulation answers for a
// shape, each type gets that KV cache and compute buffer plus its own weights, marked "simulation";
// elsewhere the formula, marked "estimate".
#include <gtest/gtest.h>

#include <algorithm>

#include "biomedq/report.h"

namespace biomedq {
namespace {

constexpr std::uint64_t kMiB = 1ull << 20;

TEST(RecommendCatalogSource, SimulatedShapesTakeKvAndComputeFromTheSimulation) {
    RecommendOptions options;
    options.bytes_gpu_budget = 40ull << 30;
    options.catalog = true;
    options.ctx_per_sequence = 4096;
    std::vector<std::string> asked;
    options.catalog_memory = [&](const ModelShape& shape,
                                 std::uint32_t ctx) -> std::optional<MemoryEstimate> {
        EXPECT_EQ(ctx, 4096u);
        asked.push_back(shape.id);
        if (shape.id != "llama-3-70b") return std::nullopt;
        MemoryEstimate e;
        e.bytes_kv = e.bytes_kv_gpu = 1000 * kMiB;
        e.bytes_compute = 300 * kMiB;
        return e;
    };
    auto rec = recommend({}, options);
    ASSERT_TRUE(rec.ok()) << rec.error().message;
    EXPECT_EQ(std::count(asked.begin(), asked.end(), "llama-3-70b"),
              1);  // once per shape, not per type
    const ModelShape* shape = nullptr;
    for (const auto& s : model_catalog()) {
        if (s.id == "llama-3-70b") shape = &s;
    }
    ASSERT_NE(shape, nullptr);
    bool checked = false;
    for (const auto& f : rec->catalog) {
        for (const auto& t : f.types) {
            if (f.model == shape->display_name) {
                EXPECT_EQ(t.memory_source, "simulation") << t.type;
                if (t.type != "iq4_xs") continue;
                MemoryRequest request;
                request.ctx_per_seq = 4096;
                request.n_gpu_layers = -1;
                const auto weights =
                    estimate_memory(model_info_for_shape(*shape, *find_quant_type("iq4_xs")),
                                    request)
                        .bytes_weights_gpu;
                EXPECT_EQ(t.bytes_gpu, weights + 1300 * kMiB + options.bytes_device_overhead);
                checked = true;
            } else {
                EXPECT_EQ(t.memory_source, "estimate") << f.model;
            }
        }
    }
    EXPECT_TRUE(checked);
    const auto j = rec->to_json();
    EXPECT_EQ(j["catalog"][0]["types"][0]["memory_source"].get<std::string>().empty(), false);
    EXPECT_NE(rec->to_text().find("~Llama-3-70B"), std::string::npos) << rec->to_text();
}

}  // namespace
}  // namespace biomedq
