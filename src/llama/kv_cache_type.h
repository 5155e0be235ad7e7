// Maps the KV cache type names of EngineOptions::kv_type to ggml types (kv_cache_type_names() and
// check_kv_cache_type, declared in biomedq/engine.h, are defined beside it).
#pragma once

#include <ggml.h>

#include <optional>
#include <string>

#include "biomedq/engine.h"

namespace biomedq::llama {

// nullopt for a name not in kv_cache_type_names().
std::optional<ggml_type> kv_cache_ggml_type(const std::string& name);

}  // namespace biomedq::llama
