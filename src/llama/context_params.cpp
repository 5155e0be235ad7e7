#include "llama/context_params.h"

#include <algorithm>

#include "llama/kv_cache_type.h"

namespace biomedq::llama {

llama_context_params context_params(const ContextShape& shape) {
    llama_context_params cparams = llama_context_default_params();
    const std::uint32_t n_ctx = shape.ctx_per_sequence * shape.n_parallel;
    cparams.n_ctx = n_ctx;
    cparams.n_seq_max = shape.n_parallel;
    cparams.n_batch = std::min(shape.n_batch, n_ctx);
    cparams.n_ubatch = std::min(shape.n_ubatch, cparams.n_batch);
    cparams.n_threads = shape.threads;
    cparams.n_threads_batch = shape.threads;
    cparams.flash_attn_type =
        shape.flash_attention ? LLAMA_FLASH_ATTN_TYPE_AUTO : LLAMA_FLASH_ATTN_TYPE_DISABLED;
    const ggml_type kv_type = kv_cache_ggml_type(shape.kv_type).value_or(GGML_TYPE_F16);
    cparams.type_k = kv_type;
    cparams.type_v = kv_type;
    // By default separate KV streams per sequence: each sequence really gets ctx_per_sequence
    // cells, and the attention of one sequence never spans another's cells.
    cparams.kv_unified = shape.kv_unified;
    cparams.no_perf = true;
    return cparams;
}

}  // namespace biomedq::llama
