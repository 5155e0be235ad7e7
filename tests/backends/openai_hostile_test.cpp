// Hostile and broken servers (issue 13): an echoed API key never reaches a result, whole or in
// part; a reply longer than max_tokens allows is cut and says so; a body past the cap is not read;
// endpoint URL passwords and tokens are used but never shown; the endpoint's host is resolved once
// and every connection, retries included, goes to the address that was checked. All servers are on
// 127.0.0.1.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "backends/fake_http_server.h"
#include "backends/http_client.h"
#include "backends/local_server_options.h"
#include "biomedq/openai_backend.h"
#include "support/expect_error.h"
#include "support/leaked.h"

namespace biomedq {
namespace {

using test::authorization;
using test::FakeHttpServer;
using test::FakeReply;
using test::FakeRequest;
using test::leaked;
using test::path_of;

const std::string kKey = "sk-hostile-0123456789-abcdefghij-KLMNOP";

FakeReply completion(const std::string& text) {
    nlohmann::json reply = {
        {"choices", {{{"text", text}, {"index", 0}, {"finish_reason", "stop"}}}},
        {"usage", {{"prompt_tokens", 7}, {"completion_tokens", 3}}}};
    return {200, reply.dump()};
}

OpenAiBackendOptions options(const std::string& url) {
    auto o = test::quick_retry_options({url}, 1, 0.02);
    o.api_key = kKey;
    return o;
}

std::vector<BackendRequest> requests(int n, int max_tokens = 4) {
    std::vector<BackendRequest> out;
    for (int i = 0; i < n; ++i) {
        BackendRequest r;
        r.raw_prompt = "p" + std::to_string(i);
        r.max_tokens = max_tokens;
        out.push_back(r);
    }
    return out;
}

std::map<std::size_t, BackendResult> run_all(Backend& backend,
                                             const std::vector<BackendRequest>& reqs) {
    std::map<std::size_t, BackendResult> results;
    auto status = backend.generate(
        reqs, [&](std::size_t i, BackendResult&& r) { results[i] = std::move(r); }, nullptr);
    EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error().message);
    return results;
}

TEST(OpenAiHostile, AnEchoedKeyIsRedactedInAnswersAndInErrorBodiesCutMidKey) {
    FakeHttpServer server([&](const FakeRequest& req) -> FakeReply {
        if (path_of(req) == "/props") return test::llama_props();
        const auto body = nlohmann::json::parse(req.body);
        if (body["prompt"] == "p0")
            return completion("You sent " + authorization(req) + ". Answer: yes");
        // 400 with the key starting 13 bytes before the 200-byte snippet cut ("HTTP 400: "
        // excluded).
        const std::string pad(200 - 13 - std::string("Authorization: Bearer ").size(), 'x');
        return {400, pad + authorization(req) + " is not welcome"};
    });
    auto backend = make_openai_backend(options(server.url()));
    ASSERT_TRUE(backend.ok()) << backend.error().message;
    auto results = run_all(**backend, requests(2));
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].generation.text, "You sent Authorization: Bearer [redacted]. Answer: yes");
    EXPECT_EQ(results[1].generation.finish, FinishReason::kError);
    EXPECT_EQ(leaked(results[1].generation.error, kKey), "") << results[1].generation.error;
    EXPECT_NE(results[1].generation.error.find("HTTP 400: xxx"), std::string::npos)
        << results[1].generation.error;
    // The key was really sent.
    EXPECT_EQ(authorization(server.requests().back()), "Authorization: Bearer " + kKey);
}

// A llama-server whose every completion is `text`.
std::function<FakeReply(const FakeRequest&)> replying(std::string text) {
    return [text = std::move(text)](const FakeRequest& req) -> FakeReply {
        if (path_of(req) == "/props") return test::llama_props();
        return completion(text);
    };
}

// The answer `server` gives to one request with `max_tokens`.
GenerationResult answer_from(FakeHttpServer& server, int max_tokens) {
    auto backend = make_openai_backend(options(server.url()));
    EXPECT_TRUE(backend.ok()) << backend.error().message;
    if (!backend.ok()) return {};
    return run_all(**backend, requests(1, max_tokens))[0].generation;
}

TEST(OpenAiHostile, AReplyLongerThanMaxTokensAllowIsCutAndMarkedAsCut) {
    // max_tokens 4096: at most 4096 x 64 bytes of text (the body, within its cap, is read whole).
    FakeHttpServer server(replying(std::string(1 << 20, '[')));
    const auto g = answer_from(server, 4096);
    EXPECT_EQ(g.text, std::string(262144, '['));
    EXPECT_EQ(g.finish, FinishReason::kMaxTokens);
    EXPECT_EQ(g.error, "reply of 1048576 bytes cut to 262144 (max_tokens 4096 x 64 bytes)");
}

TEST(OpenAiHostile, ABodyPastItsCapIsNotReadAndCountsAsCut) {
    // max_tokens 4: text cap 4096 bytes, body cap 4096 x 6 + 64 KiB = 90112 bytes.
    FakeHttpServer server(replying(std::string(200000, 'z')));
    const auto g = answer_from(server, 4);
    EXPECT_EQ(g.text, "");
    EXPECT_EQ(g.finish, FinishReason::kMaxTokens);
    EXPECT_EQ(
        g.error,
        server.url() + "/completions: reply body longer than 90112 bytes (max_tokens 4): not read");
    EXPECT_EQ(server.count("/completions"), 0);     // the path seen is /v1/completions
    EXPECT_EQ(server.count("/v1/completions"), 1);  // not retried
}

TEST(OpenAiHostile, UrlPasswordAndQueryTokenAreSentButNeverShown) {
    const std::string password = "pw-very-secret-31415";
    const std::string token = "tok-query-secret-27182";
    FakeHttpServer server([&](const FakeRequest& req) -> FakeReply {
        if (path_of(req) == "/props")
            return {500, "no props; you sent " + req.path + " " + authorization(req)};
        if (path_of(req) == "/v1/models") return {200, R"({"data":[{"id":"served-model"}]})"};
        return {500, "echo " + req.path + " " + authorization(req)};
    });
    const std::string url = "http://alice:" + password +
                            "@127.0.0.1:" + std::to_string(server.port()) + "/v1?token=" + token;
    auto o = options(url);
    o.api_key.clear();  // the URL's credentials only: curl sends Basic auth
    ::unsetenv("BIOMEDQ_API_KEY");
    ::unsetenv("OPENAI_API_KEY");
    o.max_attempts = 1;
    auto backend = make_openai_backend(o);
    ASSERT_TRUE(backend.ok()) << backend.error().message;
    auto results = run_all(**backend, requests(1));
    // Used: every request carried the token query and the Basic credential.
    const auto reqs = server.requests();
    ASSERT_FALSE(reqs.empty());
    EXPECT_EQ(reqs.back().path, "/v1/completions?token=" + token);
    EXPECT_EQ(authorization(reqs.back()),
              "Authorization: Basic YWxpY2U6cHctdmVyeS1zZWNyZXQtMzE0MTU=");
    // Never shown.
    const auto m = (*backend)->measurements();
    const std::string shown =
        results[0].generation.error + "\n" + m.backend + "\n" + m.model_description;
    for (const std::string& secret :
         {password, token, std::string("YWxpY2U6cHctdmVyeS1zZWNyZXQtMzE0MTU=")}) {
        EXPECT_EQ(leaked(shown, secret), "") << shown;
    }
    EXPECT_EQ(results[0].generation.error.substr(0, results[0].generation.error.find(": HTTP")),
              "http://[redacted]@127.0.0.1:" + std::to_string(server.port()) + "/v1/completions");
}

TEST(OpenAiHostile, TheHostIsResolvedOnceAndEveryConnectionGoesToTheCheckedAddress) {
    std::atomic<int> posts{0};
    FakeHttpServer server([&](const FakeRequest& req) -> FakeReply {
        if (path_of(req) == "/props") return test::llama_props();
        if (posts++ == 0) return {500, "try again"};  // one retry: a new connection
        return completion("ok");
    });
    // ".invalid" never resolves (RFC 2606): a connection can only work through the pin. A second
    // lookup would answer 127.0.0.2, where nothing listens; it must never be asked.
    std::atomic<int> lookups{0};
    std::mutex asked_mutex;
    std::vector<std::string> asked;
    auto o = options("http://model-server.invalid:" + std::to_string(server.port()) + "/v1");
    o.resolver = [&](const std::string& host) -> Result<std::vector<std::string>> {
        std::lock_guard lock(asked_mutex);
        asked.push_back(host);
        return std::vector<std::string>{lookups++ == 0 ? "127.0.0.1" : "127.0.0.2"};
    };
    auto backend = make_openai_backend(o);
    ASSERT_TRUE(backend.ok()) << backend.error().message;
    auto results = run_all(**backend, requests(3));
    ASSERT_EQ(results.size(), 3u);
    for (const auto& [i, r] : results)
        EXPECT_EQ(r.generation.text, "ok") << i << ": " << r.generation.error;
    EXPECT_EQ(asked, std::vector<std::string>{"model-server.invalid"});
    EXPECT_EQ(posts.load(), 4);  // 3 answers + 1 retry, all at 127.0.0.1
    for (const auto& req : server.requests()) {
        EXPECT_NE(req.headers.find("Host: model-server.invalid:" + std::to_string(server.port())),
                  std::string::npos)
            << req.headers;
    }
}

TEST(OpenAiHostile, CurlIsToldTheCheckedAddressesForTheName) {
    EXPECT_EQ(backends::pin_entry("db.lab", 8080, {"10.0.0.7", "fd00::7"}),
              "db.lab:8080:10.0.0.7,[fd00::7]");
    EXPECT_EQ(backends::pin_entry("127.0.0.1", 80, {"127.0.0.1"}), "");  // an address needs no pin
    EXPECT_EQ(backends::pin_entry("::1", 80, {"::1"}), "");
    EXPECT_EQ(backends::url_port("http://db.lab/v1"), 80);
    EXPECT_EQ(backends::url_port("https://db.lab/v1"), 443);
    EXPECT_EQ(backends::url_port("http://u:p@db.lab:8081/v1?token=x"), 8081);
}

TEST(OpenAiHostile, APublicAnswerFromTheResolverIsRefusedBeforeAnyConnection) {
    auto o = options("http://rebinding.invalid:8080/v1");
    o.resolver = [](const std::string&) -> Result<std::vector<std::string>> {
        return std::vector<std::string>{"127.0.0.1", "203.0.113.7"};  // TEST-NET-3: never contacted
    };
    test::expect_error(
        make_openai_backend(o), ErrorCode::kUnsupported,
        "--endpoint http://rebinding.invalid:8080/v1: host \"rebinding.invalid\" resolves to "
        "203.0.113.7, "
        "outside loopback and private networks; clinical text must not leave the site by "
        "accident: pass "
        "--allow-remote if this server is yours");
}

}  // namespace
}  // namespace biomedq
