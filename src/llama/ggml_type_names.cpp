#include "llama/ggml_type_names.h"

namespace biomedq::llama {

std::optional<ggml_type> ggml_type_from_name(std::string_view name) {
    for (int i = 0; i < GGML_TYPE_COUNT; ++i) {
        const auto type = static_cast<ggml_type>(i);
        // Removed types keep a slot with block size 0 and a placeholder name ("DEPRECATED").
        if (ggml_blck_size(type) == 0) continue;
        const char* type_name = ggml_type_name(type);
        if (type_name != nullptr && name == type_name) return type;
    }
    return std::nullopt;
}

}  // namespace biomedq::llama
