// `biomedq info`: the memory answer comes from llama.cpp's no-alloc simulation (per buffer type and
// device), the formula only when asked or when llama.cpp cannot simulate, and says which it is.
#include "e2e/e2e_support.h"

namespace biomedq::test {
namespace {

TEST(InfoMemoryE2E, JsonAnswersFromLlamaCppPerBufferAndDevice) {
    auto r = run_command({biomedq_binary().string(), "info", tiny_model_path().string(), "--ctx",
                          "512", "--parallel", "2", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    const auto& m = j["memory"];
    EXPECT_EQ(m["source"], "simulation");
    EXPECT_EQ(m["n_ctx_total"], 1024);
    // tiny: 2 layers x 1024 cells x (K + V) x 2 KV heads x 64 x 2 bytes.
    EXPECT_EQ(m["bytes_kv"].get<std::uint64_t>(), 2ull * 1024 * 2 * 2 * 64 * 2);
    ASSERT_FALSE(m["devices"].empty());
    EXPECT_EQ(m["devices"][0]["name"], "CPU");
    EXPECT_EQ(m["devices"][0]["bytes_runtime_overhead"].get<std::uint64_t>(), 0u);
    std::uint64_t weights = 0;
    for (const auto& b : m["buffers"]) weights += b["bytes_weights"].get<std::uint64_t>();
    EXPECT_EQ(weights, m["bytes_weights_host"].get<std::uint64_t>() +
                           m["bytes_weights_gpu"].get<std::uint64_t>());
    EXPECT_GE(weights, j["bytes_tensors"].get<std::uint64_t>());
    EXPECT_EQ(r.err, "");
}

TEST(InfoMemoryE2E, EstimateIsLabelled) {
    auto r = run_command(
        {biomedq_binary().string(), "info", tiny_model_path().string(), "--estimate", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["memory"]["source"], "estimate");
    EXPECT_EQ(j["memory"]["estimate_reason"], "--estimate");
    EXPECT_FALSE(j["memory"].contains("buffers"));
    auto text =
        run_command({biomedq_binary().string(), "info", tiny_model_path().string(), "--estimate"});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find("ESTIMATE"), std::string::npos) << text.out;
    auto sim = run_command({biomedq_binary().string(), "info", tiny_model_path().string()});
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
    EXPECT_NE(sim.out.find("llama.cpp no-alloc simulation"), std::string::npos) << sim.out;
    EXPECT_EQ(sim.out.find("ESTIMATE"), std::string::npos) << sim.out;
}

}  // namespace
}  // namespace biomedq::test
