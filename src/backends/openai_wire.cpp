#include "backends/openai_wire.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/redact.h"

namespace biomedq::backends {
namespace {

// A token count from the reply: absent is 0; anything that is not a number in [0, INT_MAX] is an
// error (found by fuzz_openai_reply: a 70-digit count made json's int conversion undefined).
Result<int> token_count(const nlohmann::json& object, const char* parent, const char* key) {
    if (!object.contains(key)) return 0;
    const auto& v = object[key];
    constexpr double kMax = std::numeric_limits<int>::max();
    if (v.is_number_unsigned()) {
        if (v.get<std::uint64_t>() <= static_cast<std::uint64_t>(kMax))
            return static_cast<int>(v.get<std::uint64_t>());
    } else if (v.is_number_integer()) {
        const auto n = v.get<std::int64_t>();
        if (n >= 0 && n <= static_cast<std::int64_t>(kMax)) return static_cast<int>(n);
    } else if (v.is_number_float()) {
        const double d = v.get<double>();
        if (std::isfinite(d) && d >= 0 && d <= kMax) return static_cast<int>(d);
    }
    return make_error(ErrorCode::kParse, std::string("reply field \"") + parent + "." + key +
                                             "\" is not a token count (expected an integer 0.." +
                                             std::to_string(std::numeric_limits<int>::max()) +
                                             ", got " + redact_cut(v.dump(), 80) + ")");
}

}  // namespace

const char* server_kind_name(ServerKind kind) {
    switch (kind) {
        case ServerKind::kLlamaServer:
            return "llama-server";
        case ServerKind::kVllm:
            return "vLLM";
        case ServerKind::kUnknown:
            return "OpenAI-compatible server";
    }
    return "server";
}

std::string build_request_body(const BackendRequest& r, const std::string& model_name,
                               ServerKind kind) {
    nlohmann::json body;
    body["model"] = model_name;
    if (!r.messages.empty()) {
        nlohmann::json messages = nlohmann::json::array();
        for (const auto& m : r.messages)
            messages.push_back({{"role", m.role}, {"content", m.content}});
        body["messages"] = std::move(messages);
    } else {
        body["prompt"] = r.raw_prompt;
    }
    body["max_tokens"] = r.max_tokens;
    body["temperature"] = r.temperature;
    body["seed"] = r.seed;
    body["stream"] = false;
    if (!r.stop.empty()) body["stop"] = r.stop;
    if (r.ignore_eos) body["ignore_eos"] = true;
    if (kind == ServerKind::kLlamaServer) {
        if (!r.grammar.empty()) body["grammar"] = r.grammar;
        // Reusing another request's KV prefix changes batch shapes; off, so greedy outputs match a
        // fresh in-process run.
        body["cache_prompt"] = false;
    }
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<ParsedReply> parse_reply(const std::string& body, bool chat, bool had_grammar) {
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        // Redacted before the cut: an echoed key crossing it would leave a prefix that no longer
        // matches.
        return make_error(ErrorCode::kParse,
                          "reply is not a JSON object: \"" + redact_cut(body, 120) + "\"");
    }
    try {
        if (!j.contains("choices") || !j["choices"].is_array() || j["choices"].empty()) {
            return make_error(ErrorCode::kParse, "reply has no \"choices\" array");
        }
        const auto& choice = j["choices"][0];
        ParsedReply out;
        if (chat) {
            if (!choice.contains("message") || !choice["message"].contains("content")) {
                return make_error(ErrorCode::kParse,
                                  "reply field \"choices[0].message.content\" missing");
            }
            const auto& content = choice["message"]["content"];
            out.text = content.is_string() ? content.get<std::string>() : std::string();
        } else {
            if (!choice.contains("text") || !choice["text"].is_string()) {
                return make_error(ErrorCode::kParse, "reply field \"choices[0].text\" missing");
            }
            out.text = choice["text"].get<std::string>();
        }
        const std::string finish = choice.value("finish_reason", std::string());
        if (finish == "length") {
            out.finish = FinishReason::kMaxTokens;
        } else if (had_grammar) {
            out.finish = FinishReason::kGrammarComplete;
        } else {
            // OpenAI's "stop" covers both end-of-sequence and a stop string; the API does not say
            // which.
            out.finish = FinishReason::kEndOfSequence;
        }
        if (j.contains("usage") && j["usage"].is_object()) {
            BIOMEDQ_ASSIGN(out.n_tokens_prompt, token_count(j["usage"], "usage", "prompt_tokens"));
            BIOMEDQ_ASSIGN(out.n_tokens_generated,
                           token_count(j["usage"], "usage", "completion_tokens"));
        }
        if (j.contains("timings") && j["timings"].is_object()) {
            const auto& t = j["timings"];
            BIOMEDQ_ASSIGN(out.timings.n_prompt, token_count(t, "timings", "prompt_n"));
            BIOMEDQ_ASSIGN(out.timings.n_predicted, token_count(t, "timings", "predicted_n"));
            out.timings.t_prompt_ms = t.value("prompt_ms", 0.0);
            out.timings.t_predicted_ms = t.value("predicted_ms", 0.0);
        }
        return out;
    } catch (const nlohmann::json::exception& e) {
        return make_error(ErrorCode::kParse,
                          std::string("reply has a field of the wrong type: ") + e.what());
    }
}

}  // namespace biomedq::backends
