// One model with a context sized for one chunk, evaluated chunk by chunk with logits for every
// position. The only place in src/fidelity that loads a model; it loads through src/llama (handles,
// model loader, recent log) like the engine, so llama.cpp's log goes through the one log hook.
#pragma once

#include <ggml-backend.h>
#include <llama.h>

#include <memory>
#include <string>
#include <vector>

#include "biomedq/result.h"
#include "llama/handles.h"

namespace biomedq::fidelity {

struct ChunkModelOptions {
    std::string path;
    int ctx = 512;
    int gpu_layers = -1;
    int threads = 0;
    bool verbose = false;
    // Optional ggml eval callback (importance matrix collection); nullptr for none.
    ggml_backend_sched_eval_callback cb_eval = nullptr;
    void* cb_eval_user_data = nullptr;
};

class ChunkModel {
public:
    // Errors: kNotFound / kParse (file), kUnsupported (architecture), kInvalidArgument (ctx < 16),
    // kResource (context).
    static Result<std::unique_ptr<ChunkModel>> load(const ChunkModelOptions& options);

    int n_vocab() const { return n_vocab_; }
    const std::string& path() const { return options_.path; }
    // BOS when the model's tokenizer adds one, else -1.
    llama_token bos_or_none() const;
    // Tokenizes without special tokens (chunks get their BOS separately).
    std::vector<llama_token> tokenize(const std::string& text) const;

    // Evaluates `tokens` from position 0 on a cleared context. On success, logits(i) points to the
    // n_vocab logits after token i, valid until the next eval. Errors: kInvalidArgument (more
    // tokens than ctx), kBackend (llama_decode failed).
    Status eval(const std::vector<llama_token>& tokens);
    const float* logits(int i) const;

private:
    ChunkModel() = default;
    ChunkModelOptions options_;
    llama::ModelPtr model_;
    llama::ContextPtr context_;
    const llama_vocab* vocab_ = nullptr;
    int n_vocab_ = 0;
};

}  // namespace biomedq::fidelity
