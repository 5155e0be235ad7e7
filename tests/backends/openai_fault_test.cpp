// The OpenAI backend against scripted servers: retries on 500 and garbage, no retry on 400,
// failover between endpoints, exactly-once delivery, and the API key kept out of every result.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "backends/fake_http_server.h"
#include "backends/local_server_options.h"
#include "biomedq/openai_backend.h"

namespace biomedq {
namespace {

using test::FakeHttpServer;
using test::FakeReply;
using test::FakeRequest;
using test::llama_props;

// A valid /v1/completions reply whose text echoes the prompt, so tests can tell requests apart.
FakeReply completion_reply(const FakeRequest& req) {
    const auto body = nlohmann::json::parse(req.body);
    nlohmann::json reply = {
        {"choices",
         {{{"text", "echo:" + body["prompt"].get<std::string>()},
           {"index", 0},
           {"finish_reason", "stop"}}}},
        {"usage", {{"prompt_tokens", 7}, {"completion_tokens", 3}}},
        {"timings",
         {{"prompt_n", 7}, {"predicted_n", 3}, {"prompt_ms", 1.5}, {"predicted_ms", 2.5}}}};
    return {200, reply.dump()};
}

OpenAiBackendOptions fast_options(std::vector<std::string> endpoints) {
    return test::quick_retry_options(std::move(endpoints), 2, 0.05);
}

std::vector<BackendRequest> completion_requests(int n) {
    std::vector<BackendRequest> out;
    for (int i = 0; i < n; ++i) {
        BackendRequest r;
        r.raw_prompt = "p" + std::to_string(i);
        r.max_tokens = 4;
        out.push_back(r);
    }
    return out;
}

std::map<std::size_t, BackendResult> run_all(Backend& backend,
                                             const std::vector<BackendRequest>& requests,
                                             int* n_deliveries) {
    std::map<std::size_t, BackendResult> results;
    *n_deliveries = 0;
    auto status = backend.generate(
        requests,
        [&](std::size_t i, BackendResult&& r) {
            ++*n_deliveries;
            results[i] = std::move(r);
        },
        nullptr);
    EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error().message);
    return results;
}

TEST(OpenAiFault, RetriesServerErrorsAndGarbageThenSucceeds) {
    std::atomic<int> posts{0};
    FakeHttpServer server([&](const FakeRequest& req) -> FakeReply {
        if (req.path == "/props") return llama_props();
        const int n = posts++;
        if (n == 0) return {500, R"({"error":"busy"})"};
        if (n == 1) return {200, "{not json"};
        if (n == 2) return {429, "slow down"};
        return completion_reply(req);
    });
    auto backend = make_openai_backend([&] {
        auto o = fast_options({server.url()});
        o.max_attempts = 4;
        return o;
    }());
    ASSERT_TRUE(backend.ok()) << backend.error().message;
    int deliveries = 0;
    auto results = run_all(**backend, completion_requests(1), &deliveries);
    EXPECT_EQ(deliveries, 1);
    EXPECT_EQ(server.count("/v1/completions"), 4);
    EXPECT_EQ(results[0].generation.finish, FinishReason::kEndOfSequence);
    EXPECT_EQ(results[0].generation.text, "echo:p0");
    EXPECT_EQ(results[0].generation.n_tokens_prompt, 7);
    EXPECT_EQ(results[0].generation.n_tokens_generated, 3);
    EXPECT_EQ(results[0].prompt_text, "p0");
    const auto m = (*backend)->measurements();
    EXPECT_EQ(m.stats.n_tokens_prompt, 7u);
    EXPECT_EQ(m.stats.n_tokens_generated, 3u);
    EXPECT_DOUBLE_EQ(m.stats.t_decode_ms, 4.0);
    EXPECT_NE(m.memory_source.find("server-reported"), std::string::npos);
    EXPECT_NE(m.backend.find("llama-server b0-fake at " + server.url()), std::string::npos);
}

TEST(OpenAiFault, PersistentFailureIsReportedAsAnErrorResultAfterBoundedAttempts) {
    std::atomic<int> posts{0};
    FakeHttpServer server([&](const FakeRequest& req) -> FakeReply {
        if (req.path == "/props") return llama_props();
        return (posts++ % 2 == 0) ? FakeReply{500, "internal trouble"} : FakeReply{200, "garbage"};
    });
    auto backend = make_openai_backend(fast_options({server.url()}));
    ASSERT_TRUE(backend.ok()) << backend.error().message;
    int deliveries = 0;
    auto results = run_all(**backend, completion_requests(2), &deliveries);
    EXPECT_EQ(deliveries, 2);
    EXPECT_EQ(server.count("/v1/completions"), 6);  // 3 attempts each
    for (auto& [i, r] : results) {
        EXPECT_EQ(r.generation.finish, FinishReason::kError);
        // Not an answer: the runner must not record it, and a rerun asks again (issue 13, item 1).
        EXPECT_TRUE(r.generation.transient);
        EXPECT_NE(r.generation.error.find("gave up after 3 attempts"), std::string::npos)
            << r.generation.error;
        EXPECT_NE(r.generation.error.find(server.url() + "/completions"), std::string::npos);
    }
}

TEST(OpenAiFault, ClientErrorIsNotRetried) {
    FakeHttpServer server([&](const FakeRequest& req) -> FakeReply {
        if (req.path == "/props") return llama_props();
        return {400, R"({"error":"the prompt exceeds the context size"})"};
    });
    auto backend = make_openai_backend(fast_options({server.url()}));
    ASSERT_TRUE(backend.ok());
    int deliveries = 0;
    auto results = run_all(**backend, completion_requests(1), &deliveries);
    EXPECT_EQ(server.count("/v1/completions"), 1);
    EXPECT_EQ(results[0].generation.finish, FinishReason::kError);
    EXPECT_FALSE(results[0].generation.transient)
        << "a request the server rejects is this configuration's answer";
    EXPECT_NE(results[0].generation.error.find("HTTP 400"), std::string::npos);
    EXPECT_NE(results[0].generation.error.find("exceeds the context size"), std::string::npos);
}

TEST(OpenAiFault, ApiKeyIsSentButNeverReported) {
    const std::string key = "sk-test-very-secret-4242";
    ::setenv("BIOMEDQ_API_KEY", key.c_str(), 1);
    FakeHttpServer server([&](const FakeRequest& req) -> FakeReply {
        if (req.path == "/props") return llama_props();
        // A server that echoes credentials in its error text.
        return {500, "rejected: " + req.headers};
    });
    auto backend = make_openai_backend(fast_options({server.url()}));
    ::unsetenv("BIOMEDQ_API_KEY");
    ASSERT_TRUE(backend.ok());
    int deliveries = 0;
    auto results = run_all(**backend, completion_requests(1), &deliveries);
    const auto reqs = server.requests();
    ASSERT_FALSE(reqs.empty());
    EXPECT_NE(reqs.back().headers.find("Authorization: Bearer " + key), std::string::npos);
    const auto& r = results[0];
    EXPECT_EQ(r.generation.finish, FinishReason::kError);
    EXPECT_EQ(r.generation.error.find(key), std::string::npos) << r.generation.error;
    EXPECT_NE(r.generation.error.find("[redacted]"), std::string::npos) << r.generation.error;
    const auto m = (*backend)->measurements();
    EXPECT_EQ(m.backend.find(key), std::string::npos);
    EXPECT_EQ(r.prompt_text.find(key), std::string::npos);
}

TEST(OpenAiFault, RequestsMoveToTheLiveEndpointWhenOneIsUnreachable) {
    FakeHttpServer live([&](const FakeRequest& req) -> FakeReply {
        if (req.path == "/props") return llama_props();
        return completion_reply(req);
    });
    auto dead = std::make_unique<FakeHttpServer>([&](const FakeRequest& req) -> FakeReply {
        if (req.path == "/props") return llama_props();
        return completion_reply(req);
    });
    const std::string dead_url = dead->url();
    auto backend = make_openai_backend(fast_options({dead_url, live.url()}));
    ASSERT_TRUE(backend.ok());
    dead.reset();  // the port now refuses connections
    int deliveries = 0;
    auto results = run_all(**backend, completion_requests(20), &deliveries);
    EXPECT_EQ(deliveries, 20);
    ASSERT_EQ(results.size(), 20u);
    for (auto& [i, r] : results) {
        EXPECT_EQ(r.generation.finish, FinishReason::kEndOfSequence) << r.generation.error;
        EXPECT_EQ(r.generation.text, "echo:p" + std::to_string(i));
    }
    EXPECT_EQ(live.count("/v1/completions"), 20);
}

// Issue 13, item 1: an outage used to use up each request's attempts within seconds and come back
// as error results, which the runner then scored as wrong answers. Now nothing is delivered and the
// run stops after the outage timeout.
TEST(OpenAiFault, AllEndpointsDownPastTheOutageTimeoutStopsWithNoAnswers) {
    auto dead = std::make_unique<FakeHttpServer>([&](const FakeRequest& req) -> FakeReply {
        if (req.path == "/props") return llama_props();
        return completion_reply(req);
    });
    auto o = fast_options({dead->url()});
    o.outage_timeout_s = 1;
    auto backend = make_openai_backend(o);
    ASSERT_TRUE(backend.ok());
    dead.reset();
    int deliveries = 0;
    const auto start = std::chrono::steady_clock::now();
    auto status = (*backend)->generate(
        completion_requests(3), [&](std::size_t, BackendResult&&) { ++deliveries; }, nullptr);
    const double waited_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(deliveries, 0);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kBackend);
    EXPECT_NE(status.error().message.find(
                  "no endpoint has been reachable for 1 s (--endpoint-outage-timeout); last "
                  "error: " +
                  o.endpoints[0] + "/completions: "),
              std::string::npos)
        << status.error().message;
    EXPECT_GE(waited_s, 1.0);
    EXPECT_LT(waited_s, 10.0);
}

TEST(OpenAiFault, AServerBackWithinTheOutageTimeoutAnswersEveryRequest) {
    const auto handler = [&](const FakeRequest& req) -> FakeReply {
        if (req.path == "/props") return llama_props();
        return completion_reply(req);
    };
    auto server = std::make_unique<FakeHttpServer>(handler);
    const int port = server->port();
    auto o = fast_options({server->url()});
    o.outage_timeout_s = 20;
    auto backend = make_openai_backend(o);
    ASSERT_TRUE(backend.ok());
    server.reset();  // down for 0.8 s: many times what 3 attempts with 10-50 ms backoff last
    std::unique_ptr<FakeHttpServer> back;
    std::thread restart([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(800));
        back = std::make_unique<FakeHttpServer>(handler, port);
    });
    int deliveries = 0;
    auto results = run_all(**backend, completion_requests(4), &deliveries);
    restart.join();
    EXPECT_EQ(deliveries, 4);
    for (auto& [i, r] : results) {
        EXPECT_EQ(r.generation.finish, FinishReason::kEndOfSequence) << r.generation.error;
        EXPECT_EQ(r.generation.text, "echo:p" + std::to_string(i));
    }
    EXPECT_EQ(back->count("/v1/completions"), 4);
}

// The retry of a 429 arrives no sooner than its Retry-After says (backoff alone is 10-50 ms here).
double seconds_between_posts(FakeHttpServer& server) {
    std::vector<std::chrono::steady_clock::time_point> posts;
    for (const auto& r : server.requests()) {
        if (r.path == "/v1/completions") posts.push_back(r.at);
    }
    EXPECT_EQ(posts.size(), 2u);
    return posts.size() < 2 ? 0.0 : std::chrono::duration<double>(posts[1] - posts[0]).count();
}

// Serves `refusal` to the first completion request and an answer to the retry; returns the seconds
// between the two, after checking the retry was answered.
double gap_before_retry(const std::function<FakeReply()>& refusal,
                        std::optional<double> retry_after_max_s = std::nullopt) {
    std::atomic<int> posts{0};
    FakeHttpServer server([&](const FakeRequest& req) -> FakeReply {
        if (req.path == "/props") return llama_props();
        if (posts++ == 0) return refusal();
        return completion_reply(req);
    });
    auto o = fast_options({server.url()});
    if (retry_after_max_s) o.retry_after_max_s = *retry_after_max_s;
    auto backend = make_openai_backend(o);
    EXPECT_TRUE(backend.ok());
    if (!backend.ok()) return 0.0;
    int deliveries = 0;
    auto results = run_all(**backend, completion_requests(1), &deliveries);
    EXPECT_EQ(results[0].generation.text, "echo:p0");
    return seconds_between_posts(server);
}

TEST(OpenAiFault, RetryAfterInSecondsIsWaitedFor) {
    const double gap = gap_before_retry([] {
        return FakeReply{429, R"({"error":"rate limited"})", "Retry-After: 1\r\n"};
    });
    EXPECT_GE(gap, 1.0);
    EXPECT_LT(gap, 5.0);
}

TEST(OpenAiFault, RetryAfterAsAnHttpDateIsWaitedFor) {
    const double gap = gap_before_retry([] {
        // Two seconds from now, to the second: at least one full second from the reply.
        const std::time_t when = std::time(nullptr) + 2;
        char date[64];
        std::strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", std::gmtime(&when));
        return FakeReply{503, R"({"error":"overloaded"})",
                         std::string("Retry-After: ") + date + "\r\n"};
    });
    EXPECT_GE(gap, 1.0);
    EXPECT_LT(gap, 5.0);
}

TEST(OpenAiFault, RetryAfterIsCappedAtTheConfiguredMaximum) {
    const double gap = gap_before_retry(
        [] {
            return FakeReply{429, "{}", "Retry-After: 3600\r\n"};
        },
        0.5);
    EXPECT_GE(gap, 0.5);
    EXPECT_LT(gap, 3.0);
}

// A 401 would fail every request alike: it stops the run rather than score each example as invalid.
TEST(OpenAiFault, ARefusalOfEveryRequestStopsWithNoAnswers) {
    FakeHttpServer server([&](const FakeRequest& req) -> FakeReply {
        if (req.path == "/props") return llama_props();
        return {401, R"({"error":"invalid api key"})"};
    });
    auto backend = make_openai_backend(fast_options({server.url()}));
    ASSERT_TRUE(backend.ok());
    int deliveries = 0;
    auto status = (*backend)->generate(
        completion_requests(3), [&](std::size_t, BackendResult&&) { ++deliveries; }, nullptr);
    EXPECT_EQ(deliveries, 0);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kBackend);
    EXPECT_NE(status.error().message.find(server.url() +
                                          "/completions: HTTP 401: {\"error\":\"invalid api key\"} "
                                          "(the server refuses these requests: check --endpoint"),
              std::string::npos)
        << status.error().message;
    EXPECT_LE(server.count("/v1/completions"), 2);  // the requests already in flight, no retries
}

TEST(OpenAiFault, ServerKindDecidesGrammarAndLoglikSupport) {
    FakeHttpServer vllm([&](const FakeRequest& req) -> FakeReply {
        if (req.path == "/version") return {200, R"({"version":"0.6.3"})"};
        if (req.path == "/v1/models") return {200, R"({"data":[{"id":"org/model-7b"}]})"};
        return {404, "{}"};
    });
    auto o = fast_options({vllm.url()});
    o.model_name.clear();  // taken from /v1/models
    auto backend = make_openai_backend(o);
    ASSERT_TRUE(backend.ok()) << backend.error().message;
    auto grammar = (*backend)->supports_grammar();
    ASSERT_FALSE(grammar.ok());
    EXPECT_EQ(grammar.error().code, ErrorCode::kUnsupported);
    EXPECT_NE(grammar.error().message.find("constrained decoding is unavailable on the vLLM at " +
                                           vllm.url()),
              std::string::npos)
        << grammar.error().message;
    EXPECT_FALSE((*backend)->supports_loglik().ok());
    EXPECT_EQ((*backend)->measurements().model_description, "org/model-7b");

    FakeHttpServer llama([&](const FakeRequest& req) -> FakeReply {
        if (req.path == "/props") return llama_props();
        return completion_reply(req);
    });
    auto lb = make_openai_backend(fast_options({llama.url()}));
    ASSERT_TRUE(lb.ok());
    EXPECT_TRUE((*lb)->supports_grammar().ok());
    auto loglik = (*lb)->supports_loglik();
    ASSERT_FALSE(loglik.ok());
    EXPECT_NE(loglik.error().message.find("llama-server at " + llama.url() +
                                          " does not return log-probabilities of prompt tokens"),
              std::string::npos);
}

TEST(OpenAiFault, AServerStillLoadingItsModelIsWaitedForThenUsed) {
    // llama-server answers 503 "Loading model" to everything until its model is in memory.
    const auto ready_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(600);
    FakeHttpServer server([&](const FakeRequest& req) -> FakeReply {
        if (std::chrono::steady_clock::now() < ready_at)
            return {503, R"({"error":{"message":"Loading model"}})"};
        if (req.path == "/props") return llama_props();
        return completion_reply(req);
    });
    auto backend = make_openai_backend(fast_options({server.url()}));
    ASSERT_TRUE(backend.ok()) << backend.error().message;
    EXPECT_TRUE((*backend)->supports_grammar().ok())
        << "detected as llama-server once it was ready";
}

TEST(OpenAiFault, AServerThatNeverFinishesLoadingIsReportedAfterTheWait) {
    FakeHttpServer server([&](const FakeRequest&) -> FakeReply { return {503, "Loading model"}; });
    auto o = fast_options({server.url()});
    o.startup_wait_s = 0.5;
    const auto start = std::chrono::steady_clock::now();
    auto backend = make_openai_backend(o);
    ASSERT_FALSE(backend.ok());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
    EXPECT_NE(backend.error().message.find(
                  "HTTP 503 (still unavailable after waiting 0.5 s for it to load)"),
              std::string::npos)
        << backend.error().message;
}

TEST(OpenAiFault, CancelStopsAndReportsCancelled) {
    FakeHttpServer server([&](const FakeRequest& req) -> FakeReply {
        if (req.path == "/props") return llama_props();
        return {503, "loading"};
    });
    auto o = fast_options({server.url()});
    o.max_attempts = 1000;
    o.backoff_initial_s = 0.05;
    auto backend = make_openai_backend(o);
    ASSERT_TRUE(backend.ok());
    std::atomic<bool> cancel{false};
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        cancel = true;
    });
    auto status = (*backend)->generate(
        completion_requests(2), [](std::size_t, BackendResult&&) {}, &cancel);
    canceller.join();
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kCancelled);
}

}  // namespace
}  // namespace biomedq
