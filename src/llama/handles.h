// RAII owners for llama.cpp, ggml and gguf handles, so every exit path frees what it made.
#pragma once

#include <ggml.h>
#include <gguf.h>
#include <llama.h>

#include <memory>

namespace biomedq::llama {

struct ModelDeleter {
    void operator()(llama_model* m) const { llama_model_free(m); }
};
struct ContextDeleter {
    void operator()(llama_context* c) const { llama_free(c); }
};
struct SamplerDeleter {
    void operator()(llama_sampler* s) const { llama_sampler_free(s); }
};
struct GgmlContextDeleter {
    void operator()(ggml_context* c) const { ggml_free(c); }
};
struct GgufDeleter {
    void operator()(gguf_context* c) const { gguf_free(c); }
};
struct BatchOwner {
    llama_batch batch{};
    BatchOwner(int32_t n_tokens, int32_t n_seq_max)
        : batch(llama_batch_init(n_tokens, 0, n_seq_max)) {}
    ~BatchOwner() { llama_batch_free(batch); }
    BatchOwner(const BatchOwner&) = delete;
    BatchOwner& operator=(const BatchOwner&) = delete;
};

using ModelPtr = std::unique_ptr<llama_model, ModelDeleter>;
using ContextPtr = std::unique_ptr<llama_context, ContextDeleter>;
using SamplerPtr = std::unique_ptr<llama_sampler, SamplerDeleter>;
using GgmlContextPtr = std::unique_ptr<ggml_context, GgmlContextDeleter>;
using GgufPtr = std::unique_ptr<gguf_context, GgufDeleter>;

}  // namespace biomedq::llama
