// The OpenAI-compatible backend: endpoint checks and server detection up front, then generation
// through the request scheduler. The API key lives only in the HTTP clients' headers and in the
// redaction registry (core/redact.h); every text that could carry server text or an endpoint URL
// passes through redact() before it leaves here, and is cut to length only after.
#include "biomedq/openai_backend.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "backends/http_client.h"
#include "backends/openai_wire.h"
#include "backends/request_scheduler.h"
#include "backends/retry_after.h"
#include "core/redact.h"

namespace biomedq {
namespace {

using backends::HttpClient;
using backends::ServerKind;

constexpr double kProbeTimeoutS = 10;

// A reply is at most max_tokens tokens, and no tokenizer has tokens anywhere near this long; text
// beyond it is not an answer to this request (a hostile or broken server) and is cut off, so a
// reply can neither exhaust memory nor make the answer parsers work for minutes.
constexpr std::size_t kMaxReplyBytesPerToken = 64;
constexpr std::size_t kMinReplyBytes = 4096;
// The JSON envelope around the text: escapes (\u00XX is 6 bytes for 1) and the other fields.
constexpr std::size_t kBodyBytesPerTextByte = 6;
constexpr std::size_t kBodyOverheadBytes = 64 * 1024;

std::size_t reply_text_cap(int max_tokens) {
    return std::max(kMinReplyBytes,
                    static_cast<std::size_t>(std::max(0, max_tokens)) * kMaxReplyBytesPerToken);
}

struct EndpointInfo {
    std::string base;   // ".../v1", as given (may carry a password or token: connect with it only)
    std::string shown;  // `base` redacted: what messages and results say
    std::string root;   // without "/v1": where llama-server's /props and vLLM's /version live
    std::string pin;    // curl resolve-list entry: the checked addresses of the host
    std::string
        query;  // "?token=..." from the given URL (with its '?'), added to every request URL
    ServerKind kind = ServerKind::kUnknown;
    std::string version;  // llama-server build_info, vLLM version
};

std::string api_key_from_env() {
    for (const char* name : {"BIOMEDQ_API_KEY", "OPENAI_API_KEY"}) {
        if (const char* v = std::getenv(name); v && *v) return v;
    }
    return {};
}

// The first 200 bytes of a reply body for a message: redacted first, then cut (a key crossing the
// cut would otherwise leave its prefix behind), on one line.
std::string snippet(const std::string& body) {
    std::string s = redact_cut(body, 200);
    for (char& c : s) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return s;
}

Result<EndpointInfo> normalize_endpoint(const std::string& url, bool allow_remote,
                                        const HostResolver& resolver) {
    const std::string shown = redact(url);
    std::string scheme, why;
    const std::string host = backends::url_host(url, &scheme, &why);
    if (host.empty())
        return make_error(ErrorCode::kInvalidArgument, "--endpoint " + shown + ": " + why);
    if (scheme != "http" && scheme != "https") {
        return make_error(ErrorCode::kInvalidArgument, "--endpoint " + shown + ": scheme \"" +
                                                           scheme + "\" is not http or https");
    }
    BIOMEDQ_ASSIGN(const auto addresses,
                   resolve_checked_host(host, allow_remote, "--endpoint " + shown, resolver));
    EndpointInfo e;
    e.pin = backends::pin_entry(host, backends::url_port(url), addresses);
    // A query (a token some gateways take as "?api_key=...") belongs after each request's path.
    const std::size_t query = url.find('?');
    e.base = url.substr(0, std::min(query, url.find('#')));
    if (query != std::string::npos) e.query = url.substr(query, url.find('#', query) - query);
    while (!e.base.empty() && e.base.back() == '/') e.base.pop_back();
    if (e.base.size() < 3 || e.base.compare(e.base.size() - 3, 3, "/v1") != 0) e.base += "/v1";
    e.root = e.base.substr(0, e.base.size() - 3);
    e.shown = redact(e.base);
    return e;
}

std::string seconds_text(double s) {
    std::ostringstream out;
    out << s;  // 120 -> "120", 0.5 -> "0.5"
    return out.str();
}

// A server that is still loading its model answers 503 to everything (llama-server: "Loading
// model"). A run started together with its servers waits for them, up to `wait_s`, instead of
// failing; the last reply is returned either way and judged by the caller.
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

// llama-server answers /props with its generation settings; vLLM answers /version. Anything else
// that lists models is an unknown OpenAI-compatible server (plain generation only).
Status detect_server(EndpointInfo& e, HttpClient& client, double wait_s) {
    auto props = get_when_ready(client, e.root + "/props" + e.query, wait_s);
    if (props.status == 0) {
        return make_error(ErrorCode::kBackend,
                          "--endpoint " + e.shown + ": not reachable: " + props.transport_error);
    }
    if (props.status == 200) {
        const auto j = nlohmann::json::parse(props.body, nullptr, false);
        if (j.is_object() &&
            (j.contains("default_generation_settings") || j.contains("build_info"))) {
            e.kind = ServerKind::kLlamaServer;
            e.version = j.contains("build_info") && j["build_info"].is_string()
                            ? redact_cut(j["build_info"].get<std::string>(), 200)
                            : "";
            return Status::success();
        }
    }
    auto version = client.get(e.root + "/version" + e.query, kProbeTimeoutS);
    if (version.status == 200) {
        const auto j = nlohmann::json::parse(version.body, nullptr, false);
        if (j.is_object() && j.contains("version") && j["version"].is_string()) {
            e.kind = ServerKind::kVllm;
            e.version = redact_cut(j["version"].get<std::string>(), 200);
            return Status::success();
        }
    }
    auto models = get_when_ready(client, e.base + "/models" + e.query, wait_s);
    if (models.status != 200) {
        const std::string still_loading =
            models.status == 503
                ? " (still unavailable after waiting " + seconds_text(wait_s) + " s for it to load)"
                : "";
        return make_error(
            ErrorCode::kBackend,
            "--endpoint " + e.shown + ": GET /models answered HTTP " +
                std::to_string(models.status) +
                (models.status == 0 ? " (" + models.transport_error + ")" : "") + still_loading +
                ": is this an OpenAI-compatible server, and is it ready? " + snippet(models.body));
    }
    e.kind = ServerKind::kUnknown;
    return Status::success();
}

Result<std::string> first_model_id(const EndpointInfo& e, HttpClient& client) {
    auto models = client.get(e.base + "/models" + e.query, kProbeTimeoutS);
    const auto j = nlohmann::json::parse(models.body, nullptr, false);
    if (models.status == 200 && j.is_object() && j.contains("data") && j["data"].is_array() &&
        !j["data"].empty() && j["data"][0].contains("id") && j["data"][0]["id"].is_string()) {
        // Sent back as is in every request; measurements() redacts it where results.json shows it.
        return j["data"][0]["id"].get<std::string>();
    }
    return make_error(ErrorCode::kInvalidArgument,
                      "--model-name: not given, and " + e.shown +
                          "/models did not list a model (HTTP " + std::to_string(models.status) +
                          ": " + snippet(models.body) + "); pass --model-name");
}

class OpenAiBackend final : public Backend {
public:
    OpenAiBackend(OpenAiBackendOptions options, std::vector<EndpointInfo> endpoints,
                  std::string api_key, std::string model_name)
        : options_(std::move(options)),
          endpoints_(std::move(endpoints)),
          api_key_(std::move(api_key)),
          model_name_(std::move(model_name)) {}

    Status supports_grammar() const override {
        for (const auto& e : endpoints_) {
            if (e.kind != ServerKind::kLlamaServer) {
                return make_error(
                    ErrorCode::kUnsupported,
                    std::string("--constrained: constrained decoding is unavailable on the ") +
                        backends::server_kind_name(e.kind) + " at " + e.shown +
                        " (biomedq passes GBNF grammars to llama-server only); run without "
                        "--constrained, or serve the model with llama-server");
            }
        }
        return Status::success();
    }

    Status supports_loglik() const override {
        const auto& e = endpoints_.front();
        if (e.kind == ServerKind::kLlamaServer) {
            return make_error(
                ErrorCode::kUnsupported,
                "--mc-mode loglik: the llama-server at " + e.shown +
                    " does not return log-probabilities of prompt tokens (its n_probs covers "
                    "generated tokens only); use --mc-mode generate, or the in-process backend "
                    "(--model)");
        }
        return make_error(
            ErrorCode::kUnsupported,
            std::string("--mc-mode loglik: log-likelihood scoring over HTTP is not implemented for "
                        "the ") +
                backends::server_kind_name(e.kind) + " at " + e.shown +
                "; use --mc-mode generate, or the in-process backend (--model)");
    }

    bool supports_chat() const override { return true; }

    Status generate(const std::vector<BackendRequest>& requests,
                    const std::function<void(std::size_t, BackendResult&&)>& on_done,
                    const std::atomic<bool>* cancel) override {
        for (const auto& r : requests) {
            if (!r.grammar.empty()) BIOMEDQ_TRY(supports_grammar());
        }
        const backends::SchedulerOptions so{
            .n_endpoints = static_cast<int>(endpoints_.size()),
            .concurrency_per_endpoint = options_.concurrency_per_endpoint,
            .max_attempts = options_.max_attempts,
            .backoff_initial_s = options_.backoff_initial_s,
            .backoff_max_s = options_.backoff_max_s,
            .outage_timeout_s = options_.outage_timeout_s,
            .retry_after_max_s = options_.retry_after_max_s};
        const auto attempt = [&](int endpoint, std::size_t index, HttpClient& client,
                                 const std::atomic<bool>& abort) {
            return attempt_one(endpoints_[static_cast<std::size_t>(endpoint)], requests[index],
                               client, abort);
        };
        const auto make_client = [&] {
            return std::make_unique<HttpClient>(api_key_, options_.connect_timeout_s,
                                                pins(endpoints_));
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
                         (e.version.empty() ? "" : " " + e.version) + " at " + e.shown + ";";
        }
        m.backend.pop_back();
        m.backend = redact(m.backend);
        m.model_description = redact(model_name_);
        {
            std::lock_guard lock(stats_mutex_);
            m.stats = stats_;
        }
        m.memory_source =
            "server-reported: token counts and times from each reply's usage and llama-server "
            "`timings` "
            "(prompt_n, predicted_n, prompt_ms, predicted_ms); t_decode_ms is the servers' "
            "prompt+predict "
            "time; memory is not reported over HTTP (see the servers' own logs or /metrics)";
        return m;
    }

    static std::vector<std::string> pins(const std::vector<EndpointInfo>& endpoints) {
        std::vector<std::string> out;
        for (const auto& e : endpoints) {
            if (!e.pin.empty()) out.push_back(e.pin);
        }
        return out;
    }

private:
    static std::string prompt_text(const BackendRequest& r) {
        if (r.messages.empty()) return r.raw_prompt;
        // The server renders its chat template; the sample log keeps the messages it was sent.
        nlohmann::json messages = nlohmann::json::array();
        for (const auto& m : r.messages)
            messages.push_back({{"role", m.role}, {"content", m.content}});
        return messages.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }

    backends::Attempt attempt_one(const EndpointInfo& e, const BackendRequest& r,
                                  HttpClient& client, const std::atomic<bool>& abort) {
        const bool chat = !r.messages.empty();
        const std::string path = chat ? "/chat/completions" : "/completions";
        const std::string url = e.base + path + e.query;
        const std::string shown_url = e.shown + path;
        const std::string body = backends::build_request_body(r, model_name_, e.kind);
        const std::size_t text_cap = reply_text_cap(r.max_tokens);
        const std::size_t body_cap = text_cap * kBodyBytesPerTextByte + kBodyOverheadBytes;
        auto response = client.post_json(url, body, options_.request_timeout_s, &abort, body_cap);
        if (auto refused = unanswered_attempt(response, shown_url, r.max_tokens, body_cap))
            return *refused;
        return read_reply(response, shown_url, r, text_cap);
    }

    // The attempt for a response that carries no reply to read (too long, a transport failure, an
    // HTTP status other than 200); nullopt for a 200 response.
    static std::optional<backends::Attempt> unanswered_attempt(
        const backends::HttpResponse& response, const std::string& shown_url, int max_tokens,
        std::size_t body_cap) {
        using backends::AttemptOutcome;
        backends::Attempt a;
        if (response.body_too_large) {
            // Longer than any reply to this request can be: the server's answer, not a transport
            // fault, and cut at the length limit like one that ran out of tokens (nothing to
            // parse).
            a.outcome = AttemptOutcome::kDone;
            a.result.finish = FinishReason::kMaxTokens;
            a.result.error = shown_url + ": reply body longer than " + std::to_string(body_cap) +
                             " bytes (max_tokens " + std::to_string(max_tokens) + "): not read";
            return a;
        }
        if (response.status == 0) {
            a.error = shown_url + ": " + response.transport_error;
            // A timeout means the server is alive but slow: retry with backoff like a 5xx.
            a.outcome = response.transport_error.find("imeout") != std::string::npos ||
                                response.transport_error.find("timed out") != std::string::npos
                            ? AttemptOutcome::kRetryServer
                            : AttemptOutcome::kEndpointDown;
            return a;
        }
        if (response.status == 200) return std::nullopt;
        // snippet() redacts before it cuts; the URL shown is the one without secrets.
        const std::string status_text =
            shown_url + ": HTTP " + std::to_string(response.status) + ": " + snippet(response.body);
        if (response.status == 429 || response.status == 408 || response.status >= 500) {
            a.outcome = AttemptOutcome::kRetryServer;
            a.error = status_text;
            if (auto wait_s =
                    backends::parse_retry_after(response.retry_after, std::time(nullptr))) {
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
        // 401, 403, 404, ...: the server refuses every request like it (API key, model name, URL);
        // scoring each example as invalid would be a wrong score, retrying cannot help.
        a.outcome = AttemptOutcome::kFatal;
        a.error = status_text +
                  " (the server refuses these requests: check --endpoint, --model-name and "
                  "the API key; nothing was recorded for the examples not yet answered)";
        return a;
    }

    // The attempt for a 200 response: its reply, cut at `text_cap` bytes, counted in the stats.
    backends::Attempt read_reply(const backends::HttpResponse& response,
                                 const std::string& shown_url, const BackendRequest& r,
                                 std::size_t text_cap) {
        using backends::AttemptOutcome;
        backends::Attempt a;
        auto parsed = backends::parse_reply(response.body, !r.messages.empty(), !r.grammar.empty());
        if (!parsed.ok()) {
            a.outcome = AttemptOutcome::kRetryServer;
            a.error = shown_url + ": " + redact(parsed.error().message);
            return a;
        }
        a.outcome = AttemptOutcome::kDone;
        a.result.finish = parsed->finish;
        // Redacted before it is cut (a cut key would no longer match) and before anything stores
        // it.
        a.result.text = redact_cut(parsed->text, text_cap);
        if (parsed->text.size() > text_cap) {
            a.result.finish = FinishReason::kMaxTokens;
            a.result.error = "reply of " + std::to_string(parsed->text.size()) + " bytes cut to " +
                             std::to_string(a.result.text.size()) + " (max_tokens " +
                             std::to_string(r.max_tokens) + " x " +
                             std::to_string(kMaxReplyBytesPerToken) + " bytes)";
        }
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
        return make_error(ErrorCode::kInvalidArgument,
                          "--endpoint: at least one server URL is required");
    }
    if (options.concurrency_per_endpoint < 1) {
        return make_error(ErrorCode::kInvalidArgument, "--endpoint-concurrency must be at least 1");
    }
    if (options.request_timeout_s <= 0) {
        return make_error(ErrorCode::kInvalidArgument, "--timeout must be more than 0 seconds");
    }
    if (!(options.outage_timeout_s > 0)) {
        return make_error(ErrorCode::kInvalidArgument,
                          "--endpoint-outage-timeout must be more than 0 seconds");
    }
    options.max_attempts = std::max(1, options.max_attempts);
    std::string key = options.api_key.empty() ? api_key_from_env() : options.api_key;
    options.api_key.clear();  // kept once, in the backend, away from copies of the options
    // Before any request: whatever a server echoes back is redacted from here on.
    register_secret(key);
    for (const auto& url : options.endpoints) register_url_secrets(url);

    std::vector<EndpointInfo> endpoints;
    for (const auto& url : options.endpoints) {
        BIOMEDQ_ASSIGN(EndpointInfo e,
                       normalize_endpoint(url, options.allow_remote, options.resolver));
        endpoints.push_back(std::move(e));
    }
    HttpClient probe(key, std::min(options.connect_timeout_s, kProbeTimeoutS),
                     OpenAiBackend::pins(endpoints));
    for (auto& e : endpoints) BIOMEDQ_TRY(detect_server(e, probe, options.startup_wait_s));
    std::string model_name = options.model_name;
    if (model_name.empty()) {
        BIOMEDQ_ASSIGN(model_name, first_model_id(endpoints.front(), probe));
    }
    return std::unique_ptr<Backend>(new OpenAiBackend(std::move(options), std::move(endpoints),
                                                      std::move(key), std::move(model_name)));
}

}  // namespace biomedq
