// The JSON bodies of OpenAI-compatible requests and replies (chat and completions), with the
// llama-server extensions we use (grammar, ignore_eos, timings).
#pragma once

#include <string>

#include "biomedq/backend.h"
#include "biomedq/result.h"

namespace biomedq::backends {

enum class ServerKind { kLlamaServer, kVllm, kUnknown };
const char* server_kind_name(ServerKind kind);

// What the server reported about the work, for server-reported measurements.
struct ServerTimings {
    int n_prompt = 0;     // llama-server timings.prompt_n (tokens evaluated, cache hits excluded)
    int n_predicted = 0;  // timings.predicted_n
    double t_prompt_ms = 0;
    double t_predicted_ms = 0;
};

struct ParsedReply {
    std::string text;
    FinishReason finish = FinishReason::kMaxTokens;
    int n_tokens_prompt = 0;  // usage.prompt_tokens
    int n_tokens_generated = 0;
    ServerTimings timings;
};

// The body for /v1/chat/completions (request.messages non-empty) or /v1/completions.
std::string build_request_body(const BackendRequest& request, const std::string& model_name,
                               ServerKind kind);

// Errors: kParse naming what is missing ("reply is not JSON", "choices[0].message.content
// missing").
Result<ParsedReply> parse_reply(const std::string& body, bool chat, bool had_grammar);

}  // namespace biomedq::backends
