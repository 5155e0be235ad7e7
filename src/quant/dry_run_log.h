// Reads the per-tensor types out of llama_model_quantize's dry-run log. llama.cpp has no API that
// returns its per-tensor type choices (llama_tensor_get_type is internal), but a dry run logs one
// line per tensor, and parsing that keeps llama.cpp the only owner of its mixture rules.
#pragma once

#include <ggml.h>

#include <map>
#include <string>
#include <string_view>

#include "biomedq/result.h"

namespace biomedq {

// Tensor name -> final type, from lines like
//   [  12/ 291] blk.0.attn_v.weight - [ 4096,  1024,  1,  1], type =    f16, size =    8.000 MiB ->
//   3.281 MiB (q6_K) [   2/ 291] output_norm.weight  - [ 4096,     1,  1,  1], type =    f32, size
//   =    0.016 MiB
// (a line without "->" keeps its type). Other lines are ignored.
// Errors (kInternal, they mean this llama.cpp logs differently from the one biomedq was written
// against): no tensor lines, a type name ggml does not know, a tensor listed twice, or fewer lines
// than the "/N" total the lines announce.
Result<std::map<std::string, ggml_type>> parse_dry_run_types(std::string_view log);

}  // namespace biomedq
