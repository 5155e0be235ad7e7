// The OpenAI-compatible HTTP backend: drives one or more running servers (llama-server, vLLM, TGI,
// Ollama) through /v1/chat/completions and /v1/completions, spreading requests over all endpoints.
//
// Contract of generate(): every request's result is delivered at most once through on_done, on the
// calling thread (exactly once when it succeeds). HTTP 429, 5xx, unparseable replies and timeouts
// are retried with exponential backoff and jitter, waiting at least as long as a Retry-After header
// asks (capped at retry_after_max_s); a request that still fails is a result with finish == kError
// and `transient` set: not an answer. A 400/413/422 about one request is a plain kError result
// (scored as invalid, as a rerun would fail the same way); 401/403/404 and other refusals stop
// generate with kBackend. An endpoint that stops answering loses its queued and in-flight requests
// to the others; when none answers for outage_timeout_s, generate stops with kBackend and the
// requests not yet answered are never delivered. The API key (BIOMEDQ_API_KEY, else OPENAI_API_KEY)
// is sent as a Bearer token and never appears in results or error messages (nor do passwords or
// tokens in endpoint URLs: core/redact.h). Each endpoint's host is resolved once, checked, and
// every connection (retries included) goes to the checked addresses (curl's resolve list), never to
// a second lookup.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "biomedq/backend.h"
#include "biomedq/result.h"

namespace biomedq {

// Turns a host name into numeric addresses ("127.0.0.1", "::1"). Errors: kInvalidArgument naming
// the host. An empty HostResolver means the system's (getaddrinfo); tests inject their own.
using HostResolver = std::function<Result<std::vector<std::string>>(const std::string& host)>;

struct OpenAiBackendOptions {
    std::vector<std::string>
        endpoints;           // base URLs, e.g. http://127.0.0.1:8080/v1 ("/v1" is added if absent)
    std::string model_name;  // empty: the first id the first endpoint lists in /v1/models
    int concurrency_per_endpoint = 8;  // requests in flight per endpoint
    double request_timeout_s = 600;    // one HTTP attempt, connection included
    double connect_timeout_s = 10;
    int max_attempts = 5;             // per request, over all endpoints
    double backoff_initial_s = 0.25;  // doubled per failed attempt, with full jitter
    double backoff_max_s = 8;
    double retry_after_max_s = 60;  // a server's Retry-After is honoured up to this
    // How long every endpoint may stay unreachable (no connection, no reply) before generate()
    // stops with kBackend rather than wait on: an outage never turns into answers.
    double outage_timeout_s = 120;
    // How long to wait, when the backend starts, for a server that answers 503 because it is still
    // loading its model (a run started together with its servers).
    double startup_wait_s = 120;
    bool allow_remote = false;  // permit endpoints outside loopback and private networks
    // Empty: read from the environment (BIOMEDQ_API_KEY, then OPENAI_API_KEY).
    std::string api_key;
    HostResolver
        resolver;  // empty: the system's; asked once per endpoint host, when the backend starts
};

// Checks every endpoint (privacy policy, reachability), detects each server's type (llama-server
// answers /props, vLLM /version) and resolves the model name. Errors: kInvalidArgument (malformed
// URL, no endpoints), kUnsupported (an endpoint outside private networks without allow_remote),
// kBackend (an endpoint that does not answer).
Result<std::unique_ptr<Backend>> make_openai_backend(const OpenAiBackendOptions& options);

// The privacy policy for anything clinical text is sent to. `host` is a host name or IP literal
// (brackets allowed); it is resolved and every address must be loopback (127.0.0.0/8, ::1) or
// private (10/8, 172.16/12, 192.168/16, fc00::/7) unless allow_remote. `what` names the flag in
// messages, e.g. "--endpoint http://x/v1". Errors: kUnsupported (public address), kInvalidArgument
// (unresolvable).
Status check_private_host(const std::string& host, bool allow_remote, const std::string& what);

// As check_private_host, returning the addresses it checked: the caller must connect to these, as a
// second lookup of the name may answer differently (DNS rebinding). One lookup through `resolve`
// (empty: the system's); none for an IP literal (returned as is) or "localhost" (127.0.0.1 and ::1,
// as curl and RFC 6761 have it). With allow_remote the name is still resolved once, for pinning.
Result<std::vector<std::string>> resolve_checked_host(const std::string& host, bool allow_remote,
                                                      const std::string& what,
                                                      const HostResolver& resolve = {});

// An rpc-server address ("host:port") with its host replaced by the checked address, for
// llama.cpp's RPC backend to connect to instead of looking the name up again: "127.0.0.1:50052".
// IPv4 is preferred (ggml-rpc connects over IPv4); an IPv6-only host comes back as "[addr]:port".
// Errors: those of parse_host_port and resolve_checked_host, with "--rpc SERVER" in the message.
Result<std::string> pinned_rpc_endpoint(const std::string& server, bool allow_remote,
                                        const HostResolver& resolve = {});

// Splits "host:port" / "[v6]:port" (llama.cpp rpc-server addresses). Errors: kInvalidArgument.
struct HostPort {
    std::string host;
    int port = 0;
};
Result<HostPort> parse_host_port(const std::string& address);

}  // namespace biomedq
