// A catalog shape's tensors quantized as a type, sized without a file: the tensor list of the
// architecture (names and dimensions as llama.cpp's converter writes them), each tensor's type
// chosen by llama.cpp's own quantization rules (llama_quant_compute_types on a model built from the
// shape's metadata), each size from ggml's row size of that type. So Q4_K_M gets its Q6_K output
// and attn_v/ffn_down layers, and IQ4_XS its exceptions, as a real llama-quantize run would.
#include "quant/shape_tensors.h"

#include <ggml.h>
#include <llama.h>

#include <memory>

// The quantization-rule entry points (llama_quant_*) are declared in llama.cpp's staging header.
#include "../src/llama-ext.h"
#include "llama/handles.h"
#include "llama/log_capture.h"

namespace biomedq {

namespace {

struct QuantStateDeleter {
    void operator()(quantize_state_impl* qs) const { llama_quant_free(qs); }
};

}  // namespace

std::vector<ShapeTensor> shape_tensor_list(const ModelShape& shape) {
    const int64_t embd = shape.n_embd;
    const int64_t hd = shape.head_dim_or_default();
    const int64_t q_dim = int64_t{shape.n_head} * hd;
    const int64_t kv_dim = int64_t{shape.n_head_kv} * hd;
    const int64_t ff = shape.n_ff;
    std::vector<ShapeTensor> t;
    t.push_back({"token_embd.weight", embd, shape.n_vocab, -1});
    t.push_back({"output_norm.weight", embd, 1, -1});
    if (!shape.tied_embeddings) t.push_back({"output.weight", embd, shape.n_vocab, -1});
    for (int il = 0; il < static_cast<int>(shape.n_layer); ++il) {
        const std::string p = "blk." + std::to_string(il) + ".";
        t.push_back({p + "attn_norm.weight", embd, 1, il});
        if (shape.arch == "phi3") {
            t.push_back({p + "attn_qkv.weight", embd, q_dim + 2 * kv_dim, il});
        } else {
            t.push_back({p + "attn_q.weight", embd, q_dim, il});
            t.push_back({p + "attn_k.weight", embd, kv_dim, il});
            t.push_back({p + "attn_v.weight", embd, kv_dim, il});
        }
        if (shape.arch == "qwen2") {
            t.push_back({p + "attn_q.bias", q_dim, 1, il});
            t.push_back({p + "attn_k.bias", kv_dim, 1, il});
            t.push_back({p + "attn_v.bias", kv_dim, 1, il});
        }
        t.push_back({p + "attn_output.weight", q_dim, embd, il});
        if (shape.arch == "gemma2") t.push_back({p + "post_attention_norm.weight", embd, 1, il});
        t.push_back({p + "ffn_norm.weight", embd, 1, il});
        if (shape.arch == "phi3") {
            t.push_back({p + "ffn_up.weight", embd, 2 * ff, il});  // gate and up fused
        } else {
            t.push_back({p + "ffn_gate.weight", embd, ff, il});
            t.push_back({p + "ffn_up.weight", embd, ff, il});
        }
        t.push_back({p + "ffn_down.weight", ff, embd, il});
        if (shape.arch == "gemma2") t.push_back({p + "post_ffw_norm.weight", embd, 1, il});
    }
    return t;
}

Result<std::vector<SizedTensor>> size_shape_tensors(const ModelShape& shape,
                                                    const QuantType& type) {
    const std::vector<ShapeTensor> list = shape_tensor_list(shape);
    const int64_t hd = shape.head_dim_or_default();
    llama_quant_model_desc desc{};
    desc.architecture = shape.arch.c_str();
    desc.n_embd = shape.n_embd;
    desc.n_ff = shape.n_ff;
    desc.n_layer = shape.n_layer;
    desc.n_head = shape.n_head;
    desc.n_head_kv = shape.n_head_kv;
    desc.n_expert = 0;
    desc.n_embd_head_k = static_cast<uint32_t>(hd);
    desc.n_embd_head_v = static_cast<uint32_t>(hd);
    if (shape.n_layer == 0 || shape.n_layer > 512) {
        return make_error(ErrorCode::kInvalidArgument, shape.id + ": layer count out of range");
    }
    // llama.cpp warns about each row-length fallback (Qwen2.5-72B's n_ff 29568 is no multiple of
    // 256); the choice is the answer, the warnings are noise on a catalog of 20 shapes.
    llama::LogCapture quiet;
    llama::ModelPtr model(llama_quant_model_from_metadata(&desc));
    if (!model)
        return make_error(ErrorCode::kBackend,
                          shape.id + ": llama.cpp could not describe the shape");
    llama_model_quantize_params params = llama_model_quantize_default_params();
    params.ftype = static_cast<llama_ftype>(type.ftype);
    std::unique_ptr<quantize_state_impl, QuantStateDeleter> qs(
        llama_quant_init(model.get(), &params));

    // Tensor descriptors only; 2-D weights as a converter writes them (F16), norms and biases F32.
    const size_t ctx_bytes = list.size() * ggml_tensor_overhead() + 1024;
    llama::GgmlContextPtr ctx(ggml_init(ggml_init_params{ctx_bytes, nullptr, true}));
    std::vector<ggml_tensor*> tensors;
    for (const auto& t : list) {
        ggml_tensor* g = t.ne1 > 1 ? ggml_new_tensor_2d(ctx.get(), GGML_TYPE_F16, t.ne0, t.ne1)
                                   : ggml_new_tensor_1d(ctx.get(), GGML_TYPE_F32, t.ne0);
        ggml_set_name(g, t.name.c_str());
        tensors.push_back(g);
    }
    std::vector<ggml_tensor*> quantizable;
    for (ggml_tensor* g : tensors) {
        if (llama_quant_tensor_allows_quantization(qs.get(), g)) quantizable.push_back(g);
    }
    std::vector<ggml_type> chosen(quantizable.size(), GGML_TYPE_COUNT);
    llama_quant_compute_types(qs.get(), params.ftype, quantizable.data(), chosen.data(),
                              quantizable.size());
    for (std::size_t i = 0; i < quantizable.size(); ++i) quantizable[i]->type = chosen[i];

    std::vector<SizedTensor> out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const ggml_type ty = tensors[i]->type;
        if (ty >= GGML_TYPE_COUNT || ggml_blck_size(ty) <= 0 ||
            list[i].ne0 % ggml_blck_size(ty) != 0) {
            return make_error(ErrorCode::kInternal,
                              shape.id + ": llama.cpp chose no usable type for " + list[i].name);
        }
        SizedTensor s;
        s.tensor = list[i];
        s.type = ty;
        s.n_elements = static_cast<uint64_t>(list[i].ne0) * static_cast<uint64_t>(list[i].ne1);
        s.bytes = ggml_row_size(ty, list[i].ne0) * static_cast<uint64_t>(list[i].ne1);
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace biomedq
