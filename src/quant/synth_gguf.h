// What a synthesized model contains, before any weight is written: the tensor list llama.cpp's
// loader expects for llama/qwen2, and the GGUF metadata (hyperparameters, the vocab file's
// tokenizer, tensor infos). Shared by the plain (f16/bf16/f32) and the quantized synthesis paths.
#pragma once

#include <ggml.h>

#include <cstdint>
#include <string>
#include <vector>

#include "biomedq/quant.h"
#include "llama/gguf_reader.h"

namespace biomedq {

enum class TensorFill { kNormal, kOnes, kZeros };

struct TensorPlan {
    std::string name;
    int64_t ne0 = 0;  // weights per row
    int64_t ne1 = 1;  // rows
    bool is_matrix = false;
    TensorFill fill = TensorFill::kNormal;
};

struct SynthGguf {
    llama::GgufPtr meta;  // KVs and tensor infos; tensor i of `meta` is plan[i]
    std::vector<TensorPlan> plan;
    uint32_t n_vocab = 0;
};

// Validates the shape, copies the tokenizer from options.vocab_path and lays out every tensor: 2-D
// weights as `weight_type`, norms and biases as F32. general.file_type is set to `file_type` (a
// llama_ftype value). Errors: kUnsupported (architecture), kInvalidArgument (dimensions),
// kNotFound/kParse (vocab file).
Result<SynthGguf> make_synth_gguf(const SynthOptions& options, ggml_type weight_type,
                                  uint32_t file_type);

// The GGUF header (KVs + tensor infos, padded to the data alignment) as written to disk.
std::vector<char> gguf_meta_bytes(const gguf_context* meta);

// Size of the whole file: header plus every tensor, each padded to the alignment as gguf and
// llama-quantize pad them (the last one included).
uint64_t gguf_bytes_file(const gguf_context* meta);

}  // namespace biomedq
