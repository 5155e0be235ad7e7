// The memory llama.cpp allocates for a model + context, from metadata alone. Each term mirrors one
// buffer llama.cpp logs when it creates a context:
//   "model buffer size"   tensor data, split between devices by n_gpu_layers
//   "KV buffer size"      n_layer * n_ctx * (n_embd_k_gqa + n_embd_v_gqa) * sizeof(f16)
//   "output buffer size"  logits for n_seq_max rows (grows if more outputs are requested)
//   "compute buffer size" the graph allocator's peak for one ubatch (calibrated, see below)
#include <algorithm>

#include "biomedq/quant.h"
#include "llama/ggml_type_names.h"

namespace biomedq {

namespace {

uint32_t pad_to(uint32_t value, uint32_t multiple) {
    return (value + multiple - 1) / multiple * multiple;
}

// llama_context's padding of the requested context (non-unified KV: one stream per sequence).
void context_sizes(const MemoryRequest& request, uint32_t& n_ctx_total, uint32_t& n_ctx_seq) {
    const uint32_t n_seq = std::max<uint32_t>(1, request.n_sequences());
    const uint32_t n_ctx = pad_to(std::max<uint32_t>(1, request.ctx_per_seq) * n_seq, 256);
    n_ctx_seq = pad_to(n_ctx / n_seq, 256);
    n_ctx_total = n_ctx_seq * n_seq;
}

// The graph allocator's peak for one ubatch of a llama-style decoder. Calibrated against
// llama.cpp's no-alloc simulation on the CPU (tests/quant/memory_formula_test.cpp, within 3% of the
// total): the peak is the larger of the LM head (logits for every token of the reserve ubatch plus
// the normed hidden state) and one layer's working set (FFN gate/up activations, attention scores
// or the flash-attention mask).
uint64_t compute_bytes(const ModelInfo& m, uint32_t n_tokens, uint32_t n_kv, uint32_t n_outputs,
                       bool flash_attn) {
    const uint64_t t = n_tokens;
    const uint64_t q_dim = uint64_t{m.n_head} * m.head_dim_k;
    const uint64_t kv_dim = uint64_t{m.n_head_kv} * (m.head_dim_k + m.head_dim_v);
    const uint64_t hidden = t * (2 * uint64_t{m.n_embd} + q_dim + kv_dim) * 4;
    const uint64_t ffn = t * 3 * uint64_t{m.n_ff} * 4;
    // Flash attention: the f16 mask and the output; otherwise the KQ scores (softmax in place) and
    // the f32 mask beside them.
    const uint64_t attention = flash_attn
                                   ? uint64_t{n_kv} * t * 2 + t * q_dim * 4
                                   : uint64_t{n_kv} * t * m.n_head * 4 + uint64_t{n_kv} * t * 4;
    const uint64_t layer = hidden + std::max(ffn, attention);
    const uint64_t head = uint64_t{n_outputs} * m.n_vocab * 4 + t * m.n_embd * 4 * 2;
    return std::max(layer, head);
}

}  // namespace

uint64_t MemoryEstimate::bytes_gpu() const {
    return bytes_weights_gpu + bytes_kv_gpu + bytes_compute;
}

MemoryEstimate estimate_memory(const ModelInfo& model, const MemoryRequest& request) {
    MemoryEstimate e;
    context_sizes(request, e.n_ctx_total, e.n_ctx_seq);
    const uint32_t n_seq = std::max<uint32_t>(1, request.n_sequences());

    // Layer placement as llama_model::load_tensors: the last n_gpu_layers of the n_layer + 1
    // "layers" go to the GPU, where the last one is the output head (so n_gpu_layers = 1 offloads
    // only the head); token_embd always stays on the host.
    const int n_layer = static_cast<int>(model.n_layer);
    const int n_gpu =
        request.n_gpu_layers < 0 ? n_layer + 1 : std::min(request.n_gpu_layers, n_layer + 1);
    const int i_gpu_start = n_layer + 1 - n_gpu;
    // One K row and one V row per cell and layer, each stored in whole blocks of the cache type.
    const ggml_type kv_type = llama::ggml_type_from_name(request.kv_type).value_or(GGML_TYPE_F16);
    const uint64_t kv_per_cell =
        ggml_row_size(kv_type, int64_t{model.n_head_kv} * model.head_dim_k) +
        ggml_row_size(kv_type, int64_t{model.n_head_kv} * model.head_dim_v);
    const uint64_t kv_per_layer = uint64_t{e.n_ctx_total} * kv_per_cell;
    e.bytes_weights_host = model.bytes_token_embd + model.bytes_other;
    for (int il = 0; il < n_layer; ++il) {
        const uint64_t bytes = model.bytes_layer[static_cast<std::size_t>(il)];
        if (il >= i_gpu_start) {
            e.bytes_weights_gpu += bytes;
            e.bytes_kv_gpu += kv_per_layer;
        } else {
            e.bytes_weights_host += bytes;
        }
    }
    e.bytes_kv = kv_per_layer * model.n_layer;
    // A tied LM head on the GPU gets its own copy of token_embd.
    const bool output_on_gpu = n_gpu >= 1;
    const uint64_t output_bytes =
        model.bytes_output + (model.tied_embeddings && output_on_gpu ? model.bytes_token_embd : 0);
    if (output_on_gpu) {
        e.bytes_weights_gpu += output_bytes;
    } else {
        e.bytes_weights_host += model.bytes_output;
    }

    const uint32_t n_tokens = std::min(request.n_ubatch, e.n_ctx_total);
    const uint32_t n_outputs = std::min(n_tokens, request.n_batch);
    const uint64_t compute =
        compute_bytes(model, n_tokens, e.n_ctx_seq, n_outputs, request.flash_attn);
    if (n_gpu == 0) {
        e.bytes_compute_host = compute;
    } else {
        e.bytes_compute = compute;
        // With offload, llama.cpp also keeps a host compute buffer for the embedding lookup and the
        // layers left on the CPU. Not calibrated (no GPU in the test suite): a lower bound.
        e.bytes_compute_host = uint64_t{n_tokens} * model.n_embd * 4 * 2;
    }
    const uint32_t rows = request.n_outputs ? request.n_outputs : n_seq;
    e.bytes_output = uint64_t{std::max(rows, n_seq)} * model.n_vocab * 4;
    return e;
}

}  // namespace biomedq
