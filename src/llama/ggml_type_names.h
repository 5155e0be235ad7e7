// ggml type names back to ggml types (ggml has only the other direction, ggml_type_name).
#pragma once

#include <ggml.h>

#include <optional>
#include <string_view>

namespace biomedq::llama {

// The ggml type whose ggml_type_name() is `name` ("q4_K", "f16", "iq4_xs"); nullopt if none is.
std::optional<ggml_type> ggml_type_from_name(std::string_view name);

}  // namespace biomedq::llama
