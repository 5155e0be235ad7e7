// The in-process generation engine over llama.cpp: loads a GGUF on CPU or GPU, renders the model's
// own chat template, generates many prompts together with continuous batching (a new prompt is
// admitted as soon as a sequence finishes; prompt processing is chunked into shared batches), and
// scores candidate continuations by log-likelihood. llama.h stays out of this header (and out of
// every public one): only src/llama, src/engine, src/quant and src/fidelity include llama.cpp's
// headers.
//
// Thread safety: an Engine is used from one thread at a time. Callbacks run on the calling thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "biomedq/chat.h"
#include "biomedq/generation.h"
#include "biomedq/result.h"

namespace biomedq {

struct EngineOptions {
    std::string model_path;
    int gpu_layers = -1;          // -1: all layers on the GPU when one exists; 0: CPU only
    int ctx_per_sequence = 4096;  // tokens each parallel sequence may hold (prompt + generation)
    int parallel = 8;             // sequences decoded together
    int n_batch = 2048;           // tokens per llama_decode call
    int n_ubatch = 512;           // physical micro-batch
    // Decode shared prompt prefixes once (engine/prefix_plan.h) in one extra KV stream of
    // ctx_per_sequence cells. Off for models whose cache cannot be cut back to a prefix (sliding
    // window, recurrent); Engine::prefix_reuse() says whether it is on.
    bool prefix_reuse = true;
    // Greedy, unconstrained generation picks each token on the device (engine/device_greedy.h)
    // instead of copying every row of logits to the host.
    bool device_sampling = true;
    // One KV buffer for all sequences (llama.cpp kv_unified) instead of one stream each: a shared
    // prefix is then shared cells (no copy), and llama.cpp fills its micro-batches with any
    // sequences' tokens (with one stream each, a micro-batch takes the same number of tokens from
    // consecutive sequences), but every token attends over the cells of all sequences.
    bool kv_unified = false;
    int threads = 0;              // 0: all hardware threads
    bool flash_attention = true;  // llama.cpp picks per device when supported
    // Element type of the KV cache (K and V): one of kv_cache_type_names(). Quantized types shrink
    // the cache (q8_0: 0.53x of f16, q4_0: 0.28x) at some cost in accuracy; llama.cpp needs flash
    // attention for a quantized V cache.
    std::string kv_type = "f16";
    std::vector<std::string> rpc_servers;  // host:port of llama.cpp rpc-server instances
    bool verbose = false;                  // forward llama.cpp's own log lines to stderr
};

struct ModelDescription {
    std::string path;
    std::string arch;
    std::string description;  // llama_model_desc, e.g. "llama 8B Q4_K - Medium"
    std::uint64_t n_params = 0;
    std::uint64_t bytes_weights = 0;
    int n_layer = 0;
    int n_ctx_train = 0;
    int n_vocab = 0;
    bool has_chat_template = false;
};

class Engine {
public:
    // Errors: kNotFound (file), kParse (not a GGUF / truncated), kUnsupported (architecture),
    // kResource (could not allocate the context: says what to reduce).
    static Result<std::unique_ptr<Engine>> load(const EngineOptions& options);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Renders messages with the model's own chat template (Jinja, as llama.cpp renders it), ending
    // with the assistant turn's opening. Errors: kUnsupported when the model has no chat template.
    Result<std::string> render_chat(const std::vector<ChatMessage>& messages) const;

    // Generates every request; on_done(index, result) is called as each one finishes (in completion
    // order). A per-request problem (prompt too long, bad grammar) becomes a kError result, not a
    // failure of the whole call. Returns an error only when decoding itself fails (out of memory, a
    // backend failure) or `cancel` becomes true; finished requests have been delivered by then.
    Status generate(const std::vector<GenerationRequest>& requests,
                    const std::function<void(std::size_t, GenerationResult&&)>& on_done,
                    const std::atomic<bool>* cancel = nullptr);

    // Scores all requests, batching them as parallel sequences.
    Result<std::vector<LoglikResult>> loglik(const std::vector<LoglikRequest>& requests,
                                             const std::atomic<bool>* cancel = nullptr);

    // Checks a GBNF grammar against this model's vocabulary. Errors: kParse.
    Status validate_grammar(const std::string& grammar) const;

    int count_tokens(const std::string& text) const;
    const ModelDescription& model() const;
    const EngineOptions& options() const;
    bool prefix_reuse() const;  // options().prefix_reuse and the model allows it
    EngineStats stats() const;
    std::vector<BufferMemory> buffer_memory() const;
    std::vector<DeviceMemory> device_memory() const;

    struct Impl;

private:
    explicit Engine(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The KV cache types llama.cpp accepts: f16 (default), bf16, q8_0, q5_1, q5_0, q4_1, q4_0.
const std::vector<std::string>& kv_cache_type_names();
// Errors: kInvalidArgument naming `what` (e.g. "--kv-type"), the accepted types and the closest
// one.
Status check_kv_cache_type(const std::string& name, const std::string& what);

// The GPUs ggml can use in this build, with their current free memory (empty on a CPU-only build).
std::vector<DeviceMemory> list_gpu_devices();

}  // namespace biomedq
