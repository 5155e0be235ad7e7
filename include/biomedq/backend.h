// What the runner evaluates through: a model behind an interface, so the in-process llama.cpp
// engine and OpenAI-compatible servers are interchangeable (and tests can script one). Backends
// never see tasks: they take whole batches of requests.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "biomedq/chat.h"
#include "biomedq/generation.h"
#include "biomedq/result.h"

namespace biomedq {

// One generation request as the runner builds it: chat messages (rendered with the model's template
// by the backend or the server) or a raw completion prompt.
struct BackendRequest {
    std::vector<ChatMessage> messages;  // chat mode when non-empty
    std::string raw_prompt;             // completion mode
    std::string grammar;                // GBNF; backends that cannot constrain refuse up front
    int max_tokens = 256;
    std::vector<std::string> stop;
    float temperature = 0.0f;
    std::uint64_t seed = 0;
    bool ignore_eos = false;
};

struct BackendResult {
    GenerationResult generation;
    std::string
        prompt_text;  // what the model was given, as text (rendered template), for sample logs
};

struct BackendLoglikRequest {
    std::vector<ChatMessage> messages;  // chat mode: the continuation is the assistant's reply
    std::string raw_prompt;
    std::string continuation;
};

// What a backend measured, for results.json. Server backends fill what the server reports and say
// so.
struct BackendMeasurements {
    std::string backend;  // "llama.cpp (in-process)", "openai-compatible http://..."
    std::string model_description;
    EngineStats stats;
    std::vector<BufferMemory> buffers;
    std::vector<DeviceMemory> devices;
    std::string memory_source;  // how the memory figures were obtained
    // In-process only: whether shared prompt prefixes were decoded once; with it,
    // stats.n_tokens_prompt_computed counts the prompt tokens really decoded. Servers do not say.
    std::optional<bool> prefix_reuse;
};

class Backend {
public:
    virtual ~Backend() = default;
    // Whether constrained decoding (GBNF) is available; when false the runner refuses
    // --constrained.
    virtual Status supports_grammar() const = 0;
    // Whether log-likelihood scoring is available (Error says why not, naming the server).
    virtual Status supports_loglik() const = 0;
    virtual bool supports_chat() const = 0;
    // Generates all requests; on_done(index, result) as each finishes (any order, calling thread).
    // A per-request failure is a result with finish == kError (with `transient` set when it says
    // nothing about the model: the runner then records nothing). The Status fails when the backend
    // as a whole fails (an outage of every server, a decode failure) or `cancel` is set; the
    // requests not delivered by then got no answer.
    virtual Status generate(const std::vector<BackendRequest>& requests,
                            const std::function<void(std::size_t, BackendResult&&)>& on_done,
                            const std::atomic<bool>* cancel) = 0;
    virtual Result<std::vector<LoglikResult>> loglik(
        const std::vector<BackendLoglikRequest>& requests, const std::atomic<bool>* cancel) = 0;
    virtual BackendMeasurements measurements() const = 0;
};

class Engine;  // biomedq/engine.h

// The in-process llama.cpp backend over a loaded Engine.
std::unique_ptr<Backend> make_llama_backend(std::unique_ptr<Engine> engine);

}  // namespace biomedq
