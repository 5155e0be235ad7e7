// The Engine's private state, shared by the files that implement its parts (load, chat, generate,
// loglik).
#pragma once

#include <chat.h>  // llama.cpp common: Jinja chat templates
#include <llama.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "biomedq/engine.h"
#include "llama/handles.h"

namespace biomedq {

struct Engine::Impl {
    EngineOptions options;
    ModelDescription description;
    llama::ModelPtr model;
    llama::ContextPtr context;
    const llama_vocab* vocab = nullptr;
    common_chat_templates_ptr templates;
    EngineStats stats;
    std::vector<BufferMemory> buffers;
    std::vector<DeviceMemory> devices;
    // A prefix stream exists: sequence id options.parallel, one more KV stream.
    bool prefix_stream = false;

    // For grammar prefiltering: each token's first byte when it is ASCII (else kAnyByte: always a
    // candidate), and a single-byte probe token per ASCII byte (-1 when the vocabulary has none).
    static constexpr uint8_t kAnyByte = 0xFF;
    std::vector<uint8_t> first_byte;
    std::array<llama_token, 128> probe_token{};
    void build_byte_tables();

    std::vector<llama_token> tokenize(const std::string& text, bool add_special) const;
    std::string token_piece(llama_token token) const;
    // Runs llama_decode and waits for the device, accounting the time as decode time. Returns
    // llama_decode's code.
    int32_t decode(const llama_batch& batch);
    void sample_device_memory();
};

// Clears the batch without freeing it.
inline void batch_clear(llama_batch& batch) { batch.n_tokens = 0; }

inline void batch_add(llama_batch& batch, llama_token token, llama_pos pos, llama_seq_id seq,
                      bool logits) {
    const int i = batch.n_tokens;
    batch.token[i] = token;
    batch.pos[i] = pos;
    batch.n_seq_id[i] = 1;
    batch.seq_id[i][0] = seq;
    batch.logits[i] = logits ? 1 : 0;
    batch.n_tokens++;
}

// Whether a context for this model and `parallel` sequences gets a prefix stream (one more
// sequence): its KV cache must allow cutting a sequence back to a prefix.
bool model_allows_prefix_reuse(const llama_model* model, int parallel);

// The prefix stream's sequence (the one after the `parallel` ones), when the context has one.
inline std::optional<llama_seq_id> stream_seq(const Engine::Impl& im) {
    if (!im.prefix_stream) return std::nullopt;
    return static_cast<llama_seq_id>(im.options.parallel);
}

// The message llama_decode's failure codes translate to, with what the user can change.
Error decode_error(int32_t code, const EngineOptions& options);

}  // namespace biomedq
