// The context parameters of an evaluation in one place: Engine::load creates its context with them,
// and the memory simulation sizes a context with the same ones.
#pragma once

#include <llama.h>

#include <cstdint>
#include <string>

namespace biomedq::llama {

struct ContextShape {
    std::uint32_t ctx_per_sequence = 4096;
    std::uint32_t n_parallel = 1;
    std::uint32_t n_batch = 2048;  // capped by the context
    std::uint32_t n_ubatch = 512;  // capped by n_batch
    int threads = 1;
    bool flash_attention = true;  // on where the device supports it
    bool kv_unified = false;      // one KV buffer for all sequences instead of a stream each
    std::string kv_type = "f16";  // a kv_cache_type_names() entry; the caller checks it (else f16)
};

// `n_parallel` sequences of `ctx_per_sequence` tokens, each in its own KV stream unless kv_unified;
// no perf counters.
llama_context_params context_params(const ContextShape& shape);

}  // namespace biomedq::llama
