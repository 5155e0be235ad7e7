// Published dimensions (the models' config.json on the Hugging Face hub). Fine-tunes inherit their
// base model's shape; `base` records which one, so a reader can check the numbers.
#include <algorithm>

#include "biomedq/quant.h"
#include "quant/name_match.h"
#include "quant/shape_tensors.h"

namespace biomedq {

namespace {

// The catalog is a data table: one published shape per block, in designated initializers kept
// on few lines so shapes can be compared at a glance (clang-format would give each field a line).
// clang-format off
ModelShape llama3_8b(std::string id, std::string display, std::string base, uint32_t n_ctx) {
    return ModelShape{.id = std::move(id), .display_name = std::move(display), .arch = "llama",
                      .base = std::move(base), .n_vocab = 128256, .n_layer = 32, .n_embd = 4096,
                      .n_ff = 14336, .n_head = 32, .n_head_kv = 8, .head_dim = 0,
                      .n_ctx_train = n_ctx, .rope_theta = 500000.0f, .rms_eps = 1e-5f,
                      .tied_embeddings = false, .vocab_file = "ggml-vocab-llama-bpe.gguf"};
}

ModelShape llama3_70b(std::string id, std::string display, std::string base, uint32_t n_ctx) {
    return ModelShape{.id = std::move(id), .display_name = std::move(display), .arch = "llama",
                      .base = std::move(base), .n_vocab = 128256, .n_layer = 80, .n_embd = 8192,
                      .n_ff = 28672, .n_head = 64, .n_head_kv = 8, .head_dim = 0,
                      .n_ctx_train = n_ctx, .rope_theta = 500000.0f, .rms_eps = 1e-5f,
                      .tied_embeddings = false, .vocab_file = "ggml-vocab-llama-bpe.gguf"};
}

ModelShape llama2_7b(std::string id, std::string display, std::string base, uint32_t n_ctx) {
    return ModelShape{.id = std::move(id), .display_name = std::move(display), .arch = "llama",
                      .base = std::move(base), .n_vocab = 32000, .n_layer = 32, .n_embd = 4096,
                      .n_ff = 11008, .n_head = 32, .n_head_kv = 32, .head_dim = 0,
                      .n_ctx_train = n_ctx, .rope_theta = 10000.0f, .rms_eps = 1e-5f,
                      .tied_embeddings = false, .vocab_file = "ggml-vocab-llama-spm.gguf"};
}

ModelShape llama2_70b(std::string id, std::string display, std::string base) {
    return ModelShape{.id = std::move(id), .display_name = std::move(display), .arch = "llama",
                      .base = std::move(base), .n_vocab = 32000, .n_layer = 80, .n_embd = 8192,
                      .n_ff = 28672, .n_head = 64, .n_head_kv = 8, .head_dim = 0,
                      .n_ctx_train = 4096, .rope_theta = 10000.0f, .rms_eps = 1e-5f,
                      .tied_embeddings = false, .vocab_file = "ggml-vocab-llama-spm.gguf"};
}

ModelShape mistral_7b(std::string id, std::string display, std::string base, float rope_theta) {
    return ModelShape{.id = std::move(id), .display_name = std::move(display), .arch = "llama",
                      .base = std::move(base), .n_vocab = 32000, .n_layer = 32, .n_embd = 4096,
                      .n_ff = 14336, .n_head = 32, .n_head_kv = 8, .head_dim = 0,
                      .n_ctx_train = 32768, .rope_theta = rope_theta, .rms_eps = 1e-5f,
                      .tied_embeddings = false, .vocab_file = "ggml-vocab-llama-spm.gguf"};
}

std::vector<ModelShape> build_catalog() {
    std::vector<ModelShape> shapes;
    // Test shapes. k-quants need every row length (n_embd, n_ff) to be a multiple of 256, otherwise
    // llama.cpp falls back to other types and quantized sizes stop being ordered by type.
    shapes.push_back(ModelShape{.id = "tiny", .display_name = "tiny", .arch = "llama",
                                .base = "test shape", .n_vocab = 128256, .n_layer = 2,
                                .n_embd = 256, .n_ff = 512, .n_head = 4, .n_head_kv = 2,
                                .head_dim = 0, .n_ctx_train = 2048, .rope_theta = 500000.0f,
                                .rms_eps = 1e-5f, .tied_embeddings = true,
                                .vocab_file = "ggml-vocab-llama-bpe.gguf"});
    // Big enough that KV cache and compute buffers are not negligible next to the weights.
    shapes.push_back(ModelShape{.id = "small", .display_name = "small", .arch = "llama",
                                .base = "test shape", .n_vocab = 32000, .n_layer = 8,
                                .n_embd = 512, .n_ff = 1536, .n_head = 8, .n_head_kv = 4,
                                .head_dim = 0, .n_ctx_train = 4096, .rope_theta = 10000.0f,
                                .rms_eps = 1e-5f, .tied_embeddings = false,
                                .vocab_file = "ggml-vocab-llama-spm.gguf"});

    shapes.push_back(llama3_8b("llama-3-8b", "Llama-3-8B", "", 8192));
    shapes.push_back(llama3_8b("llama-3.1-8b", "Llama-3.1-8B", "", 131072));
    shapes.push_back(llama3_70b("llama-3-70b", "Llama-3-70B", "", 8192));
    shapes.push_back(llama3_70b("llama-3.1-70b", "Llama-3.1-70B", "", 131072));
    shapes.push_back(llama3_70b("llama-3.3-70b", "Llama-3.3-70B", "", 131072));
    shapes.push_back(mistral_7b("mistral-7b", "Mistral-7B", "Mistral-7B-Instruct-v0.2", 1000000.0f));
    // v0.3 extends the vocabulary to 32768 tokens (function-calling control tokens).
    ModelShape mistral_v03 = mistral_7b("mistral-7b-v0.3", "Mistral-7B-v0.3", "Mistral-7B-Instruct-v0.3", 1000000.0f);
    mistral_v03.n_vocab = 32768;
    shapes.push_back(mistral_v03);
    shapes.push_back(ModelShape{.id = "qwen2.5-7b", .display_name = "Qwen2.5-7B", .arch = "qwen2",
                                .base = "", .n_vocab = 152064, .n_layer = 28, .n_embd = 3584,
                                .n_ff = 18944, .n_head = 28, .n_head_kv = 4, .head_dim = 0,
                                .n_ctx_train = 32768, .rope_theta = 1000000.0f, .rms_eps = 1e-6f,
                                .tied_embeddings = false, .vocab_file = "ggml-vocab-qwen2.gguf"});
    shapes.push_back(ModelShape{.id = "qwen2.5-72b", .display_name = "Qwen2.5-72B", .arch = "qwen2",
                                .base = "", .n_vocab = 152064, .n_layer = 80, .n_embd = 8192,
                                .n_ff = 29568, .n_head = 64, .n_head_kv = 8, .head_dim = 0,
                                .n_ctx_train = 32768, .rope_theta = 1000000.0f, .rms_eps = 1e-6f,
                                .tied_embeddings = false, .vocab_file = "ggml-vocab-qwen2.gguf"});
    // Gemma-2 alternates sliding-window (4096 tokens) and global layers; llama.cpp's default
    // (swa_full) gives every layer a full-size cache, which is what the estimate assumes. Its
    // SentencePiece vocabulary is not among llama.cpp's vocab files, so synth uses Llama's
    // SentencePiece tokenizer padded to Gemma's 256000 tokens: the same tensor and buffer sizes.
    shapes.push_back(ModelShape{.id = "gemma-2-9b", .display_name = "Gemma-2-9B", .arch = "gemma2",
                                .base = "", .n_vocab = 256000, .n_layer = 42, .n_embd = 3584,
                                .n_ff = 14336, .n_head = 16, .n_head_kv = 8, .head_dim = 256,
                                .n_ctx_train = 8192, .rope_theta = 10000.0f, .rms_eps = 1e-6f,
                                .n_swa = 4096, .tied_embeddings = true,
                                .vocab_file = "ggml-vocab-llama-spm.gguf"});
    shapes.push_back(ModelShape{.id = "gemma-2-27b", .display_name = "Gemma-2-27B",
                                .arch = "gemma2", .base = "", .n_vocab = 256000, .n_layer = 46,
                                .n_embd = 4608, .n_ff = 36864, .n_head = 32, .n_head_kv = 16,
                                .head_dim = 128, .n_ctx_train = 8192, .rope_theta = 10000.0f,
                                .rms_eps = 1e-6f, .n_swa = 4096, .tied_embeddings = true,
                                .vocab_file = "ggml-vocab-llama-spm.gguf"});
    shapes.push_back(ModelShape{.id = "phi-3-medium", .display_name = "Phi-3-medium",
                                .arch = "phi3", .base = "Phi-3-medium-4k-instruct",
                                .n_vocab = 32064, .n_layer = 40, .n_embd = 5120, .n_ff = 17920,
                                .n_head = 40, .n_head_kv = 10, .head_dim = 0, .n_ctx_train = 4096,
                                .rope_theta = 10000.0f, .rms_eps = 1e-5f,
                                .tied_embeddings = false, .vocab_file = "ggml-vocab-phi-3.gguf"});
    shapes.push_back(llama2_7b("meditron-7b", "Meditron-7B", "Llama-2-7B", 2048));
    shapes.push_back(llama2_70b("meditron-70b", "Meditron-70B", "Llama-2-70B"));
    shapes.push_back(mistral_7b("biomistral-7b", "BioMistral-7B", "Mistral-7B-Instruct-v0.1",
                                10000.0f));
    shapes.push_back(llama3_8b("openbiollm-8b", "OpenBioLLM-8B", "Llama-3-8B", 8192));
    shapes.push_back(llama3_70b("openbiollm-70b", "OpenBioLLM-70B", "Llama-3-70B", 8192));
    shapes.push_back(llama2_70b("med42-70b", "Med42-70B", "Llama-2-70B"));
    shapes.push_back(llama2_70b("clinicalcamel-70b", "ClinicalCamel-70B", "Llama-2-70B"));
    return shapes;
}

// clang-format on
}  // namespace

const std::vector<ModelShape>& model_catalog() {
    static const std::vector<ModelShape> catalog = build_catalog();
    return catalog;
}

Result<ModelShape> find_model_shape(std::string_view name) {
    std::vector<std::string> ids;
    for (const auto& shape : model_catalog()) {
        if (equals_ignore_case(shape.id, name) || equals_ignore_case(shape.display_name, name)) {
            return shape;
        }
        ids.push_back(shape.id);
    }
    return make_error(ErrorCode::kNotFound, "unknown model shape \"" + std::string(name) + "\"" +
                                                did_you_mean_suffix(name, ids) +
                                                "; known shapes: " + join(ids, ", "));
}

uint64_t count_parameters(const ModelShape& shape, uint32_t n_vocab) {
    ModelShape sized = shape;
    sized.n_vocab = n_vocab;
    uint64_t n = 0;
    for (const ShapeTensor& t : shape_tensor_list(sized))
        n += static_cast<uint64_t>(t.ne0) * static_cast<uint64_t>(t.ne1);
    return n;
}

}  // namespace biomedq
