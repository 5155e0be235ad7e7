// The KV cache element types biomedq offers, and their ggml types.
#include "llama/kv_cache_type.h"

#include <algorithm>

#include "core/did_you_mean.h"

namespace biomedq {
namespace {

struct KvType {
    const char* name;
    ggml_type type;
};

// The types llama.cpp's CPU and CUDA backends implement for K and V (llama-server's
// --cache-type-k).
constexpr KvType kKvTypes[] = {
    {"f16", GGML_TYPE_F16},   {"bf16", GGML_TYPE_BF16}, {"q8_0", GGML_TYPE_Q8_0},
    {"q5_1", GGML_TYPE_Q5_1}, {"q5_0", GGML_TYPE_Q5_0}, {"q4_1", GGML_TYPE_Q4_1},
    {"q4_0", GGML_TYPE_Q4_0},
};

}  // namespace

const std::vector<std::string>& kv_cache_type_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& t : kKvTypes) out.emplace_back(t.name);
        return out;
    }();
    return names;
}

Status check_kv_cache_type(const std::string& name, const std::string& what) {
    if (llama::kv_cache_ggml_type(name)) return Status::success();
    return make_error(ErrorCode::kInvalidArgument, what + " " + name + ": not a KV cache type" +
                                                       did_you_mean(name, kv_cache_type_names()) +
                                                       "; expected one of " +
                                                       join_names(kv_cache_type_names()));
}

std::optional<ggml_type> llama::kv_cache_ggml_type(const std::string& name) {
    const auto* it = std::find_if(std::begin(kKvTypes), std::end(kKvTypes),
                                  [&](const KvType& t) { return name == t.name; });
    if (it == std::end(kKvTypes)) return std::nullopt;
    return it->type;
}

}  // namespace biomedq
