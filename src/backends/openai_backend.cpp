// The OpenAI-compatible backend: endpoint checks and server detection up front, then generation
// through the request scheduler. The API key lives only in the HTTP clients' headers; every message
// that could carry server text passes through redact() first.
#include "biomedq/openai_backend.h"

#include <chrono>
#include <ctime>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "backends/http_client.h"
#include "backends/openai_wire.h"
#include "backends/request_scheduler.h"
#include "backends/retry_after.h"

namespace biomedq {
namespace {

using backends::HttpClient;
using backends::ServerKind;

constexpr double kProbeTimeoutS = 10;

struct EndpointInfo {
    std::string base;  // ".../v1"
    std::string root;  // without "/v1": where llama-server's /props and vLLM's /version live
    ServerKind kind = ServerKind::kUnknown;
    std::string version;  // llama-server build_info, vLLM version
};

std::string api_key_from_env() {
    for (const char* name : {"BIOMEDQ_API_KEY", "OPENAI_API_KEY"}) {
        if (const char* v = std::getenv(name); v && *v) return v;
    }
    return {};
}

std::string redact(std::string text, const std::string& secret) {
    if (secret.empty()) return text;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
        text.replace(pos, secret.size(), "[redacted]");
    }
    return text;
}

std::string snippet(const std::string& body) {
    std::string s = body.substr(0, 200);
    for (char& c : s) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return s;
}

Result<EndpointInfo> normalize_endpoint(const std::string& url, bool allow_remote) {
    std::string scheme, why;
    const std::string host = backends::url_host(url, &scheme, &why);
    if (host.empty()) return make_error(ErrorCode::kInvalidArgument, "--endpoint " + url + ": " + why);
    if (scheme != "http" && scheme != "https") {
        return make_error(ErrorCode::kInvalidArgument,
                          "--endpoint " + url + ": scheme \"" + scheme + "\" is not http or https");
    }
    BIOMEDQ_TRY(check_private_host(host, allow_remote, "--endpoint " + url));
    EndpointInfo e;
    e.base = url;
    while (!e.base.empty() && e.base.back() == '/') e.base.pop_back();
    if (e.base.size() < 3 || e.base.compare(e.base.size() - 3, 3, "/v1") != 0) e.base += "/v1";
    e.root = e.base.substr(0, e.base.size() - 3);
    return e;
}

std::string seconds_text(double s) {
    std::ostringstream out;
    out << s;  // 120 -> "120", 0.5 -> "0.5"
    return out.str();
}

// A server that is still loading its model answers 503 to everything (llama-server: "Loading model").
// A run started together with its servers waits for them, up to `wait_s`, instead of failing; the
// last reply is returned either way and judged by the caller.
backends::HttpResponse get_when_ready(HttpClient& client, const std::string& url, double wait_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_s);
    double pause_s = 0.1;
    while (true) {
        auto reply = client.get(url, kProbeTimeoutS);
        if (reply.status != 503 || std::chrono::steady_clock::now() >= deadline) return reply;
        std::this_thread::sleep_for(std::chrono::duration<double>(pause_s));
        pause_s = std::min(pause_s * 2, 2.0);
    }
}

// llama-server answers /props with its generation settings; vLLM answers /version. Anything else that
// lists models is an unknown OpenAI-compatible server (plain generation only).
Status detect_server(EndpointInfo& e, HttpClient& client, const std::string& key, double wait_s) {
    auto props = get_when_ready(client, e.root + "/props", wait_s);
    if (props.status == 0) {
        return make_error(ErrorCode::kBackend, "--endpoint " + e.base + ": not reachable: " + props.transport_error);
    }
    if (props.status == 200) {
        const auto j = nlohmann::json::parse(props.body, nullptr, false);
        if (j.is_object() && (j.contains("default_generation_settings") || j.contains("build_info"))) {
            e.kind = ServerKind::kLlamaServer;
            e.version = j.contains("build_info") && j["build_info"].is_string() ? j["build_info"].get<std::string>() : "";
            return Status::success();
        }
    }
    auto version = client.get(e.root + "/version", kProbeTimeoutS);
    if (version.status == 200) {
        const auto j = nlohmann::json::parse(version.body, nullptr, false);
        if (j.is_object() && j.contains("version") && j["version"].is_string()) {
            e.kind = ServerKind::kVllm;
            e.version = j["version"].get<std::string>();
            return Status::success();
        }
    }
    auto models = get_when_ready(client, e.base + "/models", wait_s);
    if (models.status != 200) {
        const std::string still_loading =
            models.status == 503 ? " (still unavailable after waiting " + seconds_text(wait_s) + " s for it to load)"
                                 : "";
        return make_error(ErrorCode::kBackend,
                          "--endpoint " + e.base + ": GET /models answered HTTP " + std::to_string(models.status) +
                              (models.status == 0 ? " (" + models.transport_error + ")" : "") + still_loading +
                              ": is this an OpenAI-compatible server, and is it ready? " +
                              redact(snippet(models.body), key));
    }
    e.kind = ServerKind::kUnknown;
    return Status::success();
}

Result<std::string> first_model_id(const EndpointInfo& e, HttpClient& client, const std::string& key) {
    auto models = client.get(e.base + "/models", kProbeTimeoutS);
    const auto j = nlohmann::json::parse(models.body, nullptr, false);
    if (models.status == 200 && j.is_object() && j.contains("data") && j["data"].is_array() && !j["data"].empty() &&
        j["data"][0].contains("id") && j["data"][0]["id"].is_string()) {
        return j["data"][0]["id"].get<std::string>();
    }
    return make_error(ErrorCode::kInvalidArgument,
                      "--model-name: not given, and " + e.base + "/models did not list a model (HTTP " +
                          std::to_string(models.status) + ": " + redact(snippet(models.body), key) +
                          "); pass --model-name");
}

class OpenAiBackend final : public Backend {
public:
    OpenAiBackend(OpenAiBackendOptions options, std::vector<EndpointInfo> endpoints, std::string api_key,
                  std::string model_name)
        : options_(std::move(options)),
          endpoints_(std::move(endpoints)),
          api_key_(std::move(api_key)),
          model_name_(std::move(model_name)) {}

    Status supports_grammar() const override {
        for (const auto& e : endpoints_) {
            if (e.kind != ServerKind::kLlamaServer) {
                return make_error(ErrorCode::kUnsupported,
                                  std::string("--constrained: constrained decoding is unavailable on the ") +
                                      backends::server_kind_name(e.kind) + " at " + e.base +
                                      " (biomedq passes GBNF grammars to llama-server only); run without "
                                      "--constrained, or serve the model with llama-server");
            }
        }
        return Status::success();
    }

    Status supports_loglik() const override {
        const auto& e = endpoints_.front();
        if (e.kind == ServerKind::kLlamaServer) {
            return make_error(ErrorCode::kUnsupported,
                              "--mc-mode loglik: the llama-server at " + e.base +
                                  " does not return log-probabilities of prompt tokens (its n_probs covers "
                                  "generated tokens only); use --mc-mode generate, or the in-process backend "
                                  "(--model)");
        }
        return make_error(ErrorCode::kUnsupported,
                          std::string("--mc-mode loglik: log-likelihood scoring over HTTP is not implemented for "
                                      "the ") +
                              backends::server_kind_name(e.kind) + " at " + e.base +
                              "; use --mc-mode generate, or the in-process backend (--model)");
    }

    bool supports_chat() const override { return true; }

    Status generate(const std::vector<BackendRequest>& requests,
                    const std::function<void(std::size_t, BackendResult&&)>& on_done,
                    const std::atomic<bool>* cancel) override {
        for (const auto& r : requests) {
            if (!r.grammar.empty()) BIOMEDQ_TRY(supports_grammar());
        }
        backends::SchedulerOptions so;
        so.n_endpoints = static_cast<int>(endpoints_.size());
        so.concurrency_per_endpoint = options_.concurrency_per_endpoint;
        so.max_attempts = options_.max_attempts;
        so.backoff_initial_s = options_.backoff_initial_s;
        so.backoff_max_s = options_.backoff_max_s;
        so.retry_after_max_s = options_.retry_after_max_s;
        so.outage_timeout_s = options_.outage_timeout_s;
        const auto attempt = [&](int endpoint, std::size_t index, HttpClient& client,
                                 const std::atomic<bool>& abort) {
            return attempt_one(endpoints_[static_cast<std::size_t>(endpoint)], requests[index], client, abort);
        };
        const auto make_client = [&] {
            return std::make_unique<HttpClient>(api_key_, options_.connect_timeout_s);
        };
        return backends::run_scheduled(
            requests.size(), so, attempt, make_client,
            [&](std::size_t i, GenerationResult&& g) {
                on_done(i, BackendResult{std::move(g), prompt_text(requests[i])});
            },
            cancel);
    }

    Result<std::vector<LoglikResult>> loglik(const std::vector<BackendLoglikRequest>&,
                                             const std::atomic<bool>*) override {
        BIOMEDQ_TRY(supports_loglik());
        return make_error(ErrorCode::kInternal, "unreachable");
    }

    BackendMeasurements measurements() const override {
        BackendMeasurements m;
        m.backend = "openai-compatible:";
        for (const auto& e : endpoints_) {
            m.backend += std::string(" ") + backends::server_kind_name(e.kind) +
                         (e.version.empty() ? "" : " " + e.version) + " at " + e.base + ";";
        }
        m.backend.pop_back();
        m.model_description = model_name_;
        {
            std::lock_guard lock(stats_mutex_);
            m.stats = stats_;
        }
        m.memory_source =
            "server-reported: token counts and times from each reply's usage and llama-server `timings` "
            "(prompt_n, predicted_n, prompt_ms, predicted_ms); t_decode_ms is the servers' prompt+predict "
            "time; memory is not reported over HTTP (see the servers' own logs or /metrics)";
        return m;
    }

private:
    static std::string prompt_text(const BackendRequest& r) {
        if (r.messages.empty()) return r.raw_prompt;
        // The server renders its chat template; the sample log keeps the messages it was sent.
        nlohmann::json messages = nlohmann::json::array();
        for (const auto& m : r.messages) messages.push_back({{"role", m.role}, {"content", m.content}});
        return messages.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }

    backends::Attempt attempt_one(const EndpointInfo& e, const BackendRequest& r, HttpClient& client,
                                  const std::atomic<bool>& abort) {
        using backends::AttemptOutcome;
        const bool chat = !r.messages.empty();
        const std::string url = e.base + (chat ? "/chat/completions" : "/completions");
        const std::string body = backends::build_request_body(r, model_name_, e.kind);
        auto response = client.post_json(url, body, options_.request_timeout_s, &abort);
        backends::Attempt a;
        if (response.status == 0) {
            a.error = url + ": " + response.transport_error;
            // A timeout means the server is alive but slow: retry with backoff like a 5xx.
            a.outcome = response.transport_error.find("imeout") != std::string::npos ||
                                response.transport_error.find("timed out") != std::string::npos
                            ? AttemptOutcome::kRetryServer
                            : AttemptOutcome::kEndpointDown;
            return a;
        }
        const std::string status_text = url + ": HTTP " + std::to_string(response.status) + ": " +
                                        redact(snippet(response.body), api_key_);
        if (response.status == 429 || response.status == 408 || response.status >= 500) {
            a.outcome = AttemptOutcome::kRetryServer;
            a.error = status_text;
            if (auto wait_s = backends::parse_retry_after(response.retry_after, std::time(nullptr))) {
                a.retry_after_s = *wait_s;
            }
            return a;
        }
        if (response.status == 400 || response.status == 413 || response.status == 422) {
            // This request is wrong (prompt longer than the context, a grammar the server rejects):
            // a rerun fails the same way, so it is the configuration's answer, scored as invalid.
            a.outcome = AttemptOutcome::kDone;
            a.result.finish = FinishReason::kError;
            a.result.error = status_text;
            return a;
        }
        if (response.status != 200) {
            // 401, 403, 404, ...: the server refuses every request like it (API key, model name, URL);
            // scoring each example as invalid would be a wrong score, retrying cannot help.
            a.outcome = AttemptOutcome::kFatal;
            a.error = status_text + " (the server refuses these requests: check --endpoint, --model-name and "
                                    "the API key; nothing was recorded for the examples not yet answered)";
            return a;
        }
        auto parsed = backends::parse_reply(response.body, chat, !r.grammar.empty());
        if (!parsed.ok()) {
            a.outcome = AttemptOutcome::kRetryServer;
            a.error = url + ": " + redact(parsed.error().message, api_key_);
            return a;
        }
        a.outcome = AttemptOutcome::kDone;
        a.result.text = std::move(parsed->text);
        a.result.finish = parsed->finish;
        a.result.n_tokens_prompt = parsed->n_tokens_prompt;
        a.result.n_tokens_generated = parsed->n_tokens_generated;
        {
            std::lock_guard lock(stats_mutex_);
            stats_.n_tokens_prompt += static_cast<std::uint64_t>(parsed->n_tokens_prompt);
            stats_.n_tokens_generated += static_cast<std::uint64_t>(parsed->n_tokens_generated);
            stats_.t_decode_ms += parsed->timings.t_prompt_ms + parsed->timings.t_predicted_ms;
            stats_.n_decode_calls++;
        }
        return a;
    }

    OpenAiBackendOptions options_;
    std::vector<EndpointInfo> endpoints_;
    std::string api_key_;
    std::string model_name_;
    mutable std::mutex stats_mutex_;
    EngineStats stats_;
};

}  // namespace

Result<std::unique_ptr<Backend>> make_openai_backend(const OpenAiBackendOptions& options_in) {
    OpenAiBackendOptions options = options_in;
    if (options.endpoints.empty()) {
        return make_error(ErrorCode::kInvalidArgument, "--endpoint: at least one server URL is required");
    }
    if (options.concurrency_per_endpoint < 1) {
        return make_error(ErrorCode::kInvalidArgument, "--endpoint-concurrency must be at least 1");
    }
    if (options.request_timeout_s <= 0) {
        return make_error(ErrorCode::kInvalidArgument, "--timeout must be more than 0 seconds");
    }
    if (!(options.outage_timeout_s > 0)) {
        return make_error(ErrorCode::kInvalidArgument, "--endpoint-outage-timeout must be more than 0 seconds");
    }
    options.max_attempts = std::max(1, options.max_attempts);
    std::string key = options.api_key.empty() ? api_key_from_env() : options.api_key;
    options.api_key.clear();  // kept once, in the backend, away from copies of the options

    std::vector<EndpointInfo> endpoints;
    HttpClient probe(key, std::min(options.connect_timeout_s, kProbeTimeoutS));
    for (const auto& url : options.endpoints) {
        BIOMEDQ_ASSIGN(EndpointInfo e, normalize_endpoint(url, options.allow_remote));
        BIOMEDQ_TRY(detect_server(e, probe, key, options.startup_wait_s));
        endpoints.push_back(std::move(e));
    }
    std::string model_name = options.model_name;
    if (model_name.empty()) {
        BIOMEDQ_ASSIGN(model_name, first_model_id(endpoints.front(), probe, key));
    }
    return std::unique_ptr<Backend>(
        new OpenAiBackend(std::move(options), std::move(endpoints), std::move(key), std::move(model_name)));
}

}  // namespace biomedq
