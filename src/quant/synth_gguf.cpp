// The tensor list for llama/qwen2 is the one llama.cpp's loader expects (checked by the tests,
// which load the result with llama.cpp).
#include "quant/synth_gguf.h"

#include <memory>

#include "quant/chat_templates.h"

namespace biomedq {

namespace fs = std::filesystem;

namespace {

constexpr uint32_t kMaxLayers =
    512;  // LLAMA_MAX_LAYERS, in llama.cpp's private src/llama-hparams.h

std::vector<TensorPlan> plan_tensors(const ModelShape& shape, uint32_t n_vocab) {
    const int64_t embd = shape.n_embd;
    const int64_t q_dim = int64_t{shape.n_head} * shape.head_dim_or_default();
    const int64_t kv_dim = int64_t{shape.n_head_kv} * shape.head_dim_or_default();
    const int64_t ff = shape.n_ff;
    auto matrix = [](std::string name, int64_t ne0, int64_t ne1) {
        return TensorPlan{std::move(name), ne0, ne1, true, TensorFill::kNormal};
    };
    auto vector = [](std::string name, int64_t ne0, TensorFill fill) {
        return TensorPlan{std::move(name), ne0, 1, false, fill};
    };
    std::vector<TensorPlan> plan;
    plan.push_back(matrix("token_embd.weight", embd, n_vocab));
    plan.push_back(vector("output_norm.weight", embd, TensorFill::kOnes));
    if (!shape.tied_embeddings) plan.push_back(matrix("output.weight", embd, n_vocab));
    for (uint32_t il = 0; il < shape.n_layer; ++il) {
        const std::string p = "blk." + std::to_string(il) + ".";
        plan.push_back(vector(p + "attn_norm.weight", embd, TensorFill::kOnes));
        plan.push_back(matrix(p + "attn_q.weight", embd, q_dim));
        plan.push_back(matrix(p + "attn_k.weight", embd, kv_dim));
        plan.push_back(matrix(p + "attn_v.weight", embd, kv_dim));
        if (shape.arch == "qwen2") {
            plan.push_back(vector(p + "attn_q.bias", q_dim, TensorFill::kZeros));
            plan.push_back(vector(p + "attn_k.bias", kv_dim, TensorFill::kZeros));
            plan.push_back(vector(p + "attn_v.bias", kv_dim, TensorFill::kZeros));
        }
        plan.push_back(matrix(p + "attn_output.weight", q_dim, embd));
        plan.push_back(vector(p + "ffn_norm.weight", embd, TensorFill::kOnes));
        plan.push_back(matrix(p + "ffn_gate.weight", embd, ff));
        plan.push_back(matrix(p + "ffn_up.weight", embd, ff));
        plan.push_back(matrix(p + "ffn_down.weight", ff, embd));
    }
    return plan;
}

Status validate_shape(const ModelShape& shape) {
    auto bad = [&](const std::string& what) {
        return make_error(ErrorCode::kInvalidArgument, "shape \"" + shape.id + "\": " + what);
    };
    if (!shape.synthesizable()) {
        return make_error(ErrorCode::kUnsupported,
                          "shape \"" + shape.id + "\": architecture \"" + shape.arch +
                              "\" cannot be synthesized (supported: llama, qwen2)");
    }
    if (shape.n_layer == 0 || shape.n_embd == 0 || shape.n_ff == 0 || shape.n_head == 0 ||
        shape.n_head_kv == 0) {
        return bad("n_layer, n_embd, n_ff, n_head and n_head_kv must all be > 0");
    }
    // llama.cpp aborts the process (GGML_ASSERT) on more, in loading and in quantization alike.
    if (shape.n_layer > kMaxLayers) {
        return bad("n_layer (" + std::to_string(shape.n_layer) + ") must be at most " +
                   std::to_string(kMaxLayers) + " (llama.cpp's LLAMA_MAX_LAYERS)");
    }
    if (shape.head_dim == 0 && shape.n_embd % shape.n_head != 0) {
        return bad("n_embd (" + std::to_string(shape.n_embd) + ") must be a multiple of n_head (" +
                   std::to_string(shape.n_head) + ")");
    }
    if (shape.n_head % shape.n_head_kv != 0) {
        return bad("n_head (" + std::to_string(shape.n_head) +
                   ") must be a multiple of n_head_kv (" + std::to_string(shape.n_head_kv) + ")");
    }
    return Status::success();
}

// Keeps only tokenizer.* keys of the vocab file and copies them into `out`.
Result<uint32_t> copy_tokenizer(const fs::path& vocab_path, gguf_context* out) {
    BIOMEDQ_ASSIGN(llama::GgufPtr vocab, llama::open_gguf_metadata(vocab_path));
    const int64_t tokens_id = gguf_find_key(vocab.get(), "tokenizer.ggml.tokens");
    if (tokens_id < 0 || gguf_get_kv_type(vocab.get(), tokens_id) != GGUF_TYPE_ARRAY) {
        return make_error(ErrorCode::kParse,
                          vocab_path.string() +
                              ": key \"tokenizer.ggml.tokens\" missing: not a "
                              "vocab GGUF (expected llama.cpp models/ggml-vocab-*.gguf)");
    }
    const auto n_vocab = static_cast<uint32_t>(gguf_get_arr_n(vocab.get(), tokens_id));
    std::vector<std::string> drop;
    for (int64_t i = 0; i < gguf_get_n_kv(vocab.get()); ++i) {
        const std::string key = gguf_get_key(vocab.get(), i);
        if (key.rfind("tokenizer.", 0) != 0) drop.push_back(key);
    }
    for (const auto& key : drop) gguf_remove_key(vocab.get(), key.c_str());
    gguf_set_kv(out, vocab.get());
    if (gguf_find_key(out, "tokenizer.chat_template") < 0) {
        const std::string tmpl =
            chat_template_for_tokenizer(llama::gguf_string_or(out, "tokenizer.ggml.model", ""),
                                        llama::gguf_string_or(out, "tokenizer.ggml.pre", ""));
        gguf_set_val_str(out, "tokenizer.chat_template", tmpl.c_str());
    }
    return n_vocab;
}

void set_hparams(gguf_context* ctx, const ModelShape& shape, uint32_t n_vocab, uint32_t file_type) {
    const std::string a = shape.arch + ".";
    gguf_set_val_str(ctx, "general.architecture", shape.arch.c_str());
    gguf_set_val_str(ctx, "general.name", ("biomedq-synth-" + shape.id).c_str());
    gguf_set_val_u32(ctx, "general.file_type", file_type);
    gguf_set_val_u32(ctx, (a + "vocab_size").c_str(), n_vocab);
    gguf_set_val_u32(ctx, (a + "context_length").c_str(), shape.n_ctx_train);
    gguf_set_val_u32(ctx, (a + "embedding_length").c_str(), shape.n_embd);
    gguf_set_val_u32(ctx, (a + "block_count").c_str(), shape.n_layer);
    gguf_set_val_u32(ctx, (a + "feed_forward_length").c_str(), shape.n_ff);
    gguf_set_val_u32(ctx, (a + "attention.head_count").c_str(), shape.n_head);
    gguf_set_val_u32(ctx, (a + "attention.head_count_kv").c_str(), shape.n_head_kv);
    gguf_set_val_u32(ctx, (a + "rope.dimension_count").c_str(), shape.head_dim_or_default());
    if (shape.head_dim != 0) {
        gguf_set_val_u32(ctx, (a + "attention.key_length").c_str(), shape.head_dim);
        gguf_set_val_u32(ctx, (a + "attention.value_length").c_str(), shape.head_dim);
    }
    gguf_set_val_f32(ctx, (a + "rope.freq_base").c_str(), shape.rope_theta);
    gguf_set_val_f32(ctx, (a + "attention.layer_norm_rms_epsilon").c_str(), shape.rms_eps);
}

}  // namespace

Result<SynthGguf> make_synth_gguf(const SynthOptions& options, ggml_type weight_type,
                                  uint32_t file_type) {
    BIOMEDQ_TRY(validate_shape(options.shape));
    SynthGguf out;
    out.meta.reset(gguf_init_empty());
    BIOMEDQ_ASSIGN(out.n_vocab, copy_tokenizer(options.vocab_path, out.meta.get()));
    set_hparams(out.meta.get(), options.shape, out.n_vocab, file_type);
    out.plan = plan_tensors(options.shape, out.n_vocab);

    // Tensor descriptors only (no_alloc); gguf_add_tensor copies name, type and shape, so the
    // context can go once they are added.
    const std::size_t ctx_bytes = ggml_tensor_overhead() * (out.plan.size() + 1);
    llama::GgmlContextPtr descriptors(
        ggml_init(ggml_init_params{ctx_bytes, nullptr, /*no_alloc=*/true}));
    for (const auto& t : out.plan) {
        ggml_tensor* tensor = t.is_matrix
                                  ? ggml_new_tensor_2d(descriptors.get(), weight_type, t.ne0, t.ne1)
                                  : ggml_new_tensor_1d(descriptors.get(), GGML_TYPE_F32, t.ne0);
        ggml_set_name(tensor, t.name.c_str());
        gguf_add_tensor(out.meta.get(), tensor);
    }
    return out;
}

std::vector<char> gguf_meta_bytes(const gguf_context* meta) {
    std::vector<char> bytes(gguf_get_meta_size(meta));
    gguf_get_meta_data(meta, bytes.data());
    return bytes;
}

uint64_t gguf_bytes_file(const gguf_context* meta) {
    const int64_t last = gguf_get_n_tensors(meta) - 1;
    if (last < 0) return gguf_get_meta_size(meta);
    const uint64_t align = gguf_get_alignment(meta);
    const uint64_t end = gguf_get_tensor_offset(meta, last) + gguf_get_tensor_size(meta, last);
    return gguf_get_meta_size(meta) + (end + align - 1) / align * align;
}

}  // namespace biomedq
