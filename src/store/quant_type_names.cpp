// Recovering the short quantization type name of an imported run: results.json records llama.cpp's
// description ("Q4_K - Medium"), while tables and the catalog speak in type names ("q4_k_m").
#include <algorithm>
#include <cctype>

#include "biomedq/quant.h"
#include "biomedq/store.h"
#include "core/text.h"

namespace biomedq {
namespace {

bool known(const std::string& name) {
    return std::any_of(quant_types().begin(), quant_types().end(),
                       [&](const QuantType& t) { return t.name == name; });
}

}  // namespace

std::string quant_type_from_names(const std::string& file_type_name,
                                  const std::string& model_path) {
    // The file name is the more specific source: quantize names outputs <stem>-<TYPE>.gguf.
    const std::string stem = text::to_lower(std::filesystem::path(model_path).stem().string());
    std::string best;
    for (const auto& t : quant_types()) {
        if (stem.size() <= t.name.size() || t.name.size() <= best.size()) continue;
        const char before = stem[stem.size() - t.name.size() - 1];
        if (stem.ends_with(t.name) && (before == '-' || before == '_' || before == '.'))
            best = t.name;
    }
    if (!best.empty()) return best;
    std::string name = text::to_lower(file_type_name);
    for (const auto& [suffix, code] :
         {std::pair{" - medium", "_m"}, {" - small", "_s"}, {" - large", "_l"}}) {
        if (name.ends_with(suffix))
            name = name.substr(0, name.size() - std::string(suffix).size()) + code;
    }
    if (name.starts_with("all ")) name = name.substr(4);
    if (name.starts_with("mostly_")) name = name.substr(7);
    return known(name) ? name : std::string();
}

}  // namespace biomedq
