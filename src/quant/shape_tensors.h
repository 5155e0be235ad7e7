// A catalog shape's tensor list and, for a quantization type, each tensor's type and size as
// llama.cpp's quantization rules give it (without a file). Used by model_info_for_shape.
#pragma once

#include <ggml.h>

#include <cstdint>
#include <string>
#include <vector>

#include "biomedq/quant.h"

namespace biomedq {

struct ShapeTensor {
    std::string name;  // GGUF tensor name: "blk.3.attn_q.weight"
    int64_t ne0 = 0;   // row length
    int64_t ne1 = 1;   // rows (1 for norms and biases)
    int layer = -1;    // repeating layer, -1 outside
};

struct SizedTensor {
    ShapeTensor tensor;
    ggml_type type = GGML_TYPE_F32;
    uint64_t n_elements = 0;
    uint64_t bytes = 0;
};

// llama, qwen2 (q/k/v biases), gemma2 (post norms, tied), phi3 (fused qkv and gate+up).
std::vector<ShapeTensor> shape_tensor_list(const ModelShape& shape);

// Errors: kInvalidArgument (layer count), kBackend (llama.cpp refused the shape), kInternal (a type
// that does not divide a row).
Result<std::vector<SizedTensor>> size_shape_tensors(const ModelShape& shape, const QuantType& type);

}  // namespace biomedq
