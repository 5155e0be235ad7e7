// llama.cpp RPC: an in-process Engine whose layers live on a loopback rpc-server gives the same
// greedy output as the purely local engine; a missing server is an error value, not an abort.
#include <gtest/gtest.h>

#include <algorithm>

#include "backends/child_process.h"
#include "biomedq/engine.h"
#include "support/paths.h"
#include "support/tiny_model.h"

namespace biomedq {
namespace {

std::vector<GenerationResult> generate_all(const EngineOptions& eo,
                                           std::vector<std::string>* buffers = nullptr) {
    auto engine = Engine::load(eo);
    EXPECT_TRUE(engine.ok()) << engine.error().message;
    if (!engine.ok()) return {};
    if (buffers) {
        for (const auto& b : (*engine)->buffer_memory()) {
            if (b.bytes_weights > 0) buffers->push_back(b.buffer);
        }
    }
    std::vector<GenerationRequest> reqs;
    for (const char* p : {"The kidney filters", "Insulin lowers", "A fever of"}) {
        GenerationRequest r;
        r.prompt = p;
        r.max_tokens = 10;
        r.ignore_eos = true;
        reqs.push_back(r);
    }
    std::vector<GenerationResult> out(reqs.size());
    auto st = (*engine)->generate(
        reqs, [&](std::size_t i, GenerationResult&& r) { out[i] = std::move(r); });
    EXPECT_TRUE(st.ok());
    return out;
}

TEST(Rpc, RpcServerGivesTheLocalGreedyOutput) {
    ASSERT_TRUE(test::ensure_llama_tools({"ggml-rpc-server"}));
    const int port = test::free_loopback_port();
    const auto logs = test::make_temp_dir("rpc");
    test::ChildProcess server({(test::llama_bin_dir() / "ggml-rpc-server").string(), "-H",
                               "127.0.0.1", "-p", std::to_string(port), "-t", "1"},
                              logs / "rpc-server.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!test::port_accepts(port) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(test::port_accepts(port));

    EngineOptions local;
    local.model_path = test::tiny_model_path().string();
    local.ctx_per_sequence = 256;
    local.parallel = 3;
    local.threads = 1;
    local.gpu_layers = 0;
    const auto expected = generate_all(local);

    EngineOptions remote = local;
    remote.gpu_layers = -1;  // every layer on the RPC device
    remote.rpc_servers = {"127.0.0.1:" + std::to_string(port)};
    std::vector<std::string> weight_buffers;
    const auto got = generate_all(remote, &weight_buffers);
    // The weights really live on the RPC device (llama.cpp names its buffers after the device).
    EXPECT_TRUE(std::any_of(weight_buffers.begin(), weight_buffers.end(), [](const std::string& b) {
        return b.rfind("RPC", 0) == 0;
    })) << ::testing::PrintToString(weight_buffers);
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].text, expected[i].text) << "request " << i;
        EXPECT_EQ(got[i].n_tokens_generated, 10);
    }
}

TEST(Rpc, UnreachableServerIsAnErrorValue) {
    EngineOptions eo;
    eo.model_path = test::tiny_model_path().string();
    eo.ctx_per_sequence = 256;
    eo.parallel = 1;
    eo.rpc_servers = {"127.0.0.1:" + std::to_string(test::free_loopback_port())};
    auto engine = Engine::load(eo);
    ASSERT_FALSE(engine.ok());
    EXPECT_EQ(engine.error().code, ErrorCode::kBackend);
    EXPECT_NE(engine.error().message.find("no rpc-server answers there"), std::string::npos);
}

}  // namespace
}  // namespace biomedq
