#include "backends/openai_wire.h"

#include <nlohmann/json.hpp>

namespace biomedq::backends {

const char* server_kind_name(ServerKind kind) {
    switch (kind) {
        case ServerKind::kLlamaServer: return "llama-server";
        case ServerKind::kVllm: return "vLLM";
        case ServerKind::kUnknown: return "OpenAI-compatible server";
    }
    return "server";
}

std::string build_request_body(const BackendRequest& r, const std::string& model_name, ServerKind kind) {
    nlohmann::json body;
    body["model"] = model_name;
    if (!r.messages.empty()) {
        nlohmann::json messages = nlohmann::json::array();
        for (const auto& m : r.messages) messages.push_back({{"role", m.role}, {"content", m.content}});
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
        return make_error(ErrorCode::kParse, "reply is not a JSON object: \"" + body.substr(0, 120) + "\"");
    }
    try {
        if (!j.contains("choices") || !j["choices"].is_array() || j["choices"].empty()) {
            return make_error(ErrorCode::kParse, "reply has no \"choices\" array");
        }
        const auto& choice = j["choices"][0];
        ParsedReply out;
        if (chat) {
            if (!choice.contains("message") || !choice["message"].contains("content")) {
                return make_error(ErrorCode::kParse, "reply field \"choices[0].message.content\" missing");
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
            // OpenAI's "stop" covers both end-of-sequence and a stop string; the API does not say which.
            out.finish = FinishReason::kEndOfSequence;
        }
        if (j.contains("usage") && j["usage"].is_object()) {
            out.n_tokens_prompt = j["usage"].value("prompt_tokens", 0);
            out.n_tokens_generated = j["usage"].value("completion_tokens", 0);
        }
        if (j.contains("timings") && j["timings"].is_object()) {
            const auto& t = j["timings"];
            out.timings.n_prompt = t.value("prompt_n", 0);
            out.timings.n_predicted = t.value("predicted_n", 0);
            out.timings.t_prompt_ms = t.value("prompt_ms", 0.0);
            out.timings.t_predicted_ms = t.value("predicted_ms", 0.0);
        }
        return out;
    } catch (const nlohmann::json::exception& e) {
        return make_error(ErrorCode::kParse, std::string("reply has a field of the wrong type: ") + e.what());
    }
}

}  // namespace biomedq::backends
