// The OpenAI backend against two real llama-server processes on loopback, checked against the
// in-process engine on the same tiny model: same greedy outputs, requests spread over both servers,
// and a server killed mid-run loses nothing.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "backends/child_process.h"
#include "backends/local_server_options.h"
#include "biomedq/backend.h"
#include "biomedq/engine.h"
#include "biomedq/openai_backend.h"
#include "support/paths.h"
#include "support/tiny_model.h"

namespace biomedq {
namespace {

using test::ChildProcess;

std::string http_get(const std::string& url, long* status) {
    std::string body;
    CURL* c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 2000L);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(
        c, CURLOPT_WRITEFUNCTION, +[](char* d, size_t s, size_t n, void* u) {
            static_cast<std::string*>(u)->append(d, s * n);
            return s * n;
        });
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    *status = curl_easy_perform(c) == CURLE_OK ? 0 : -1;
    if (*status == 0) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup(c);
    return body;
}

struct LlamaServer {
    int port = 0;
    std::unique_ptr<ChildProcess> process;
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/v1"; }
};

// Shared by the tests in this file: two servers and the in-process engine's reference outputs.
class LlamaServerTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        ASSERT_TRUE(test::ensure_llama_tools({"llama-server"}));
        model_ = new std::filesystem::path(test::tiny_model_path());
        logs_ = new std::filesystem::path(test::make_temp_dir("llama-server"));
    }
    static void TearDownTestSuite() {
        delete model_;
        delete logs_;
    }

    static LlamaServer start_server(const std::string& name) {
        LlamaServer s;
        s.port = test::free_loopback_port();
        const auto bin = (test::llama_bin_dir() / "llama-server").string();
        s.process = std::make_unique<ChildProcess>(
            std::vector<std::string>{bin, "-m", model_->string(), "-c", "512", "-np", "1", "-t",
                                     "1", "--host", "127.0.0.1", "--port", std::to_string(s.port),
                                     "--metrics"},
            *logs_ / (name + ".log"));
        return s;
    }
    static bool wait_healthy(const LlamaServer& s) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < deadline) {
            long status = 0;
            http_get("http://127.0.0.1:" + std::to_string(s.port) + "/health", &status);
            if (status == 200) return true;
            if (!s.process->running()) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    }

    static std::vector<BackendRequest> requests(int n, int max_tokens) {
        std::vector<BackendRequest> out;
        const char* words[] = {"aspirin", "fever", "kidney", "insulin",
                               "protein", "tumor", "enzyme", "virus"};
        for (int i = 0; i < n; ++i) {
            BackendRequest r;
            r.raw_prompt =
                std::string("Patient ") + std::to_string(i) + " takes " + words[i % 8] + " for";
            r.max_tokens = max_tokens;
            r.ignore_eos = true;  // random weights: fixed lengths keep timing predictable
            out.push_back(r);
        }
        return out;
    }

    static std::map<std::size_t, GenerationResult> in_process(
        const std::vector<BackendRequest>& reqs) {
        EngineOptions eo;
        eo.model_path = model_->string();
        eo.ctx_per_sequence = 512;
        // One sequence at a time here and one slot per server: every request is decoded alone on
        // both sides, so both compute exactly the same thing. Batches of different composition may
        // round differently on some CPUs (AVX-512 FP16 hosts did) and flip a near-tied greedy
        // choice.
        eo.parallel = 1;
        eo.threads = 1;
        eo.gpu_layers = 0;
        auto engine = Engine::load(eo);
        EXPECT_TRUE(engine.ok()) << engine.error().message;
        auto backend = make_llama_backend(std::move(*engine));
        std::map<std::size_t, GenerationResult> out;
        auto st = backend->generate(
            reqs, [&](std::size_t i, BackendResult&& r) { out[i] = r.generation; }, nullptr);
        EXPECT_TRUE(st.ok());
        return out;
    }

    // The greedy texts one server gives when it gets the requests one at a time. Each server has
    // one slot, so every request is decoded alone there, whichever endpoint serves it: texts
    // through two servers must equal these on any CPU. (The in-process engine agrees on
    // tokenization; its greedy text may differ where kernels round differently, as on AVX-512 FP16
    // hosts.)
    static std::map<std::size_t, std::string> one_at_a_time(
        const std::string& url, const std::vector<BackendRequest>& reqs) {
        auto backend = make_openai_backend(test::local_options({url}, 1, 60));
        EXPECT_TRUE(backend.ok()) << backend.error().message;
        std::map<std::size_t, std::string> out;
        if (!backend.ok()) return out;
        auto st = (*backend)->generate(
            reqs, [&](std::size_t i, BackendResult&& r) { out[i] = r.generation.text; }, nullptr);
        EXPECT_TRUE(st.ok());
        return out;
    }

    static std::filesystem::path* model_;
    static std::filesystem::path* logs_;
};
std::filesystem::path* LlamaServerTest::model_ = nullptr;
std::filesystem::path* LlamaServerTest::logs_ = nullptr;

double metric(const std::string& metrics_text, const std::string& name) {
    const auto pos = metrics_text.find("\n" + name + " ");
    if (pos == std::string::npos) return -1;
    return std::stod(metrics_text.substr(pos + name.size() + 2));
}

TEST_F(LlamaServerTest, TwoServersGiveTheInProcessGreedyOutputsAndBothServe) {
    auto a = start_server("a");
    auto b = start_server("b");
    const auto reqs = requests(12, 12);
    const auto reference = in_process(reqs);
    ASSERT_TRUE(wait_healthy(a));
    ASSERT_TRUE(wait_healthy(b));
    const auto served_alone = one_at_a_time(a.url(), reqs);
    ASSERT_EQ(served_alone.size(), reqs.size());

    auto backend = make_openai_backend(test::local_options({a.url(), b.url()}, 1, 60));
    ASSERT_TRUE(backend.ok()) << backend.error().message;
    EXPECT_TRUE((*backend)->supports_grammar().ok());
    EXPECT_FALSE((*backend)->supports_loglik().ok());

    std::map<std::size_t, int> deliveries;
    std::map<std::size_t, BackendResult> got;
    auto st = (*backend)->generate(
        reqs, [&](std::size_t i, BackendResult&& r) { deliveries[i]++, got[i] = std::move(r); },
        nullptr);
    ASSERT_TRUE(st.ok()) << st.error().message;
    ASSERT_EQ(got.size(), reqs.size());
    for (std::size_t i = 0; i < reqs.size(); ++i) {
        EXPECT_EQ(deliveries[i], 1);
        EXPECT_EQ(got[i].generation.finish, FinishReason::kMaxTokens) << got[i].generation.error;
        EXPECT_EQ(got[i].generation.text, served_alone.at(i)) << "request " << i;
        EXPECT_EQ(got[i].generation.n_tokens_generated, 12);
        EXPECT_EQ(got[i].generation.n_tokens_prompt, reference.at(i).n_tokens_prompt);
    }
    const auto m = (*backend)->measurements();
    EXPECT_EQ(m.stats.n_tokens_generated, 12u * 12u);
    EXPECT_GT(m.stats.t_decode_ms, 0.0);
    // Each server really did part of the work.
    for (const auto* s : {&a, &b}) {
        long status = 0;
        const auto text =
            http_get("http://127.0.0.1:" + std::to_string(s->port) + "/metrics", &status);
        ASSERT_EQ(status, 200);
        EXPECT_GT(metric(text, "llamacpp:tokens_predicted_total"), 0.0) << text;
    }

    // A grammar is passed through: the output is one of the two allowed words.
    BackendRequest g;
    g.raw_prompt = "Is aspirin a drug? Answer:";
    g.grammar = "root ::= \"yes\" | \"no\"";
    g.max_tokens = 8;
    std::string constrained;
    ASSERT_TRUE((*backend)
                    ->generate(
                        {g},
                        [&](std::size_t, BackendResult&& r) { constrained = r.generation.text; },
                        nullptr)
                    .ok());
    EXPECT_TRUE(constrained == "yes" || constrained == "no") << constrained;
}

TEST_F(LlamaServerTest, ServerKilledMidRunLosesAndDuplicatesNothing) {
    auto a = start_server("a2");
    auto b = start_server("b2");
    const auto reqs = requests(16, 24);
    ASSERT_TRUE(wait_healthy(a));
    ASSERT_TRUE(wait_healthy(b));
    const auto served_alone = one_at_a_time(a.url(), reqs);
    ASSERT_EQ(served_alone.size(), reqs.size());

    auto o = test::local_options({a.url(), b.url()}, 1, 60);
    o.backoff_initial_s = 0.05;
    auto backend = make_openai_backend(o);
    ASSERT_TRUE(backend.ok()) << backend.error().message;

    std::map<std::size_t, int> deliveries;
    std::map<std::size_t, BackendResult> got;
    auto st = (*backend)->generate(
        reqs,
        [&](std::size_t i, BackendResult&& r) {
            deliveries[i]++;
            got[i] = std::move(r);
            if (got.size() == 3) b.process->kill();  // requests are in flight on b right now
        },
        nullptr);
    ASSERT_TRUE(st.ok()) << st.error().message;
    ASSERT_EQ(got.size(), reqs.size());
    for (std::size_t i = 0; i < reqs.size(); ++i) {
        EXPECT_EQ(deliveries[i], 1) << "request " << i;
        EXPECT_EQ(got[i].generation.finish, FinishReason::kMaxTokens) << got[i].generation.error;
        EXPECT_EQ(got[i].generation.text, served_alone.at(i)) << "request " << i;
    }
}

}  // namespace
}  // namespace biomedq
