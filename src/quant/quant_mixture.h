// Which ggml type llama.cpp gives each tensor of a model quantized as a llama_ftype ("q4_k_m" is
// Q4_K with Q6_K output.weight and some Q6_K attn_v/ffn_down layers, F32 norms ...). biomedq does
// not copy those rules: it asks llama.cpp, by running llama_model_quantize in dry-run mode on a
// sparse F16 "layout" file (metadata + a hole where the weights would be), and reads the logged
// choices.
#pragma once

#include <ggml.h>
#include <gguf.h>

#include <filesystem>
#include <map>
#include <string>

#include "biomedq/quant.h"

namespace biomedq {

// Refuses types llama.cpp only produces with an importance matrix, which random weights cannot
// have. Errors: kUnsupported naming the type and listing the types that work without one.
Status check_no_imatrix_needed(const QuantType& type);

// Tensor name -> ggml type for every tensor of `f16_meta` (an F16 model's header, tensor infos
// included) quantized as `type`. Writes the layout to <near>.layout.tmp and points the dry run's
// output at <near>.dry-run.tmp; both are removed before returning, on success and on error.
// Takes over llama.cpp's global log callback while it runs (not thread-safe, like quantize_model).
// Errors: kIo (layout), kBackend (llama.cpp's dry run failed), kUnsupported (a tensor's type needs
// an importance matrix), kInternal (the log did not name a type for every tensor, or llama.cpp
// wrote an output file in a dry run).
Result<std::map<std::string, ggml_type>> llama_quant_mixture(const gguf_context* f16_meta,
                                                             const QuantType& type,
                                                             const std::filesystem::path& near);

}  // namespace biomedq
