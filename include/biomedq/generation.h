// What a generation backend is asked and answers, and what it measured: the types the Backend
// interface (biomedq/backend.h) shares with the in-process engine (biomedq/engine.h), so a backend
// over a server needs nothing of the engine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace biomedq {

struct GenerationRequest {
    std::string
        prompt;  // fully rendered text (see Engine::render_chat); BOS is added by the engine
    std::string grammar;  // GBNF with a `root` rule; empty for unconstrained
    int max_tokens = 256;
    std::vector<std::string> stop;  // generation ends before the first occurrence of any of these
    float temperature = 0.0f;       // 0: greedy
    std::uint64_t seed = 0;         // used when temperature > 0
    bool ignore_eos = false;        // benchmarks: always generate max_tokens
};

enum class FinishReason { kEndOfSequence, kStopString, kMaxTokens, kGrammarComplete, kError };
const char* finish_reason_name(FinishReason reason);

struct GenerationResult {
    std::string text;
    FinishReason finish = FinishReason::kMaxTokens;
    std::string error;  // set when finish == kError (e.g. the prompt does not fit the context)
    // With kError: the failure says nothing about the model's answer (a server that could not be
    // reached, kept failing or sent no readable reply). Such a result is never recorded or scored;
    // a rerun asks again. Without it, kError is a property of the request itself (a prompt longer
    // than the context) and is scored as an invalid answer, as a rerun would fail the same way.
    bool transient = false;
    int n_tokens_prompt = 0;
    int n_tokens_generated = 0;
    double t_latency_ms = 0.0;  // admission to completion
};

// Scores log P(continuation | context): the sum over the continuation's tokens.
struct LoglikRequest {
    std::string context;       // rendered prompt
    std::string continuation;  // e.g. " B"
};

struct LoglikResult {
    double logprob = 0.0;
    bool is_greedy = false;  // every continuation token was the argmax
    int n_tokens_continuation = 0;
    int n_tokens_context = 0;
    std::string error;
};

// Memory llama.cpp reports having allocated, per buffer (device) name.
struct BufferMemory {
    std::string buffer;  // e.g. "CPU", "CUDA0", "CPU_Mapped"
    std::uint64_t bytes_weights = 0;
    std::uint64_t bytes_kv = 0;
    std::uint64_t bytes_compute = 0;
    std::uint64_t bytes_output = 0;
};

struct DeviceMemory {
    std::string name;         // ggml device name
    std::string description;  // e.g. "NVIDIA H100 80GB HBM3"
    std::uint64_t bytes_total = 0;
    std::uint64_t bytes_free_before_load = 0;
    std::uint64_t bytes_free_after_load = 0;  // peak use ~= before - min(free seen)
    std::uint64_t bytes_free_min = 0;
};

struct EngineStats {
    std::uint64_t n_tokens_prompt = 0;           // submitted: the prompts' tokens, all counted
    std::uint64_t n_tokens_prompt_computed = 0;  // decoded: shared prefixes count once
    std::uint64_t n_tokens_generated = 0;
    std::uint64_t n_tokens_sampled_on_device = 0;  // greedy choices made where the logits are
    double t_decode_ms = 0.0;                      // time inside llama_decode
    double t_load_ms = 0.0;
    int n_decode_calls = 0;
};

}  // namespace biomedq
