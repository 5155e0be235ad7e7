// The quantization types biomedq exposes, with llama.cpp's ftype numbers (include/llama.h) and the
// nominal bits per weight of each type's main tensor format (ggml block size * 8 / block elements),
// raised for the _M mixes by llama-quantize's published averages on 7B-8B models.
#include <llama.h>

#include <sstream>

#include "biomedq/quant.h"
#include "quant/name_match.h"

namespace biomedq {

const std::vector<QuantType>& quant_types() {
    // needs_imatrix mirrors llama-quant.cpp's tensor_requires_imatrix(): types whose default or
    // mixed-in tensor types are IQ1_*, IQ2_*, IQ3_XXS, or Q2_K inside a Q2_K_S file.
    static const std::vector<QuantType> types = {
        {"f32", LLAMA_FTYPE_ALL_F32, 32.0, false},
        {"f16", LLAMA_FTYPE_MOSTLY_F16, 16.0, false},
        {"bf16", LLAMA_FTYPE_MOSTLY_BF16, 16.0, false},
        {"q8_0", LLAMA_FTYPE_MOSTLY_Q8_0, 8.5, false},
        {"q6_k", LLAMA_FTYPE_MOSTLY_Q6_K, 6.5625, false},
        {"q5_k_m", LLAMA_FTYPE_MOSTLY_Q5_K_M, 5.69, false},
        {"q5_k_s", LLAMA_FTYPE_MOSTLY_Q5_K_S, 5.54, false},
        {"q5_1", LLAMA_FTYPE_MOSTLY_Q5_1, 6.0, false},
        {"q5_0", LLAMA_FTYPE_MOSTLY_Q5_0, 5.5, false},
        {"q4_k_m", LLAMA_FTYPE_MOSTLY_Q4_K_M, 4.89, false},
        {"q4_k_s", LLAMA_FTYPE_MOSTLY_Q4_K_S, 4.58, false},
        {"q4_1", LLAMA_FTYPE_MOSTLY_Q4_1, 5.0, false},
        {"q4_0", LLAMA_FTYPE_MOSTLY_Q4_0, 4.5, false},
        {"iq4_nl", LLAMA_FTYPE_MOSTLY_IQ4_NL, 4.5, false},
        {"iq4_xs", LLAMA_FTYPE_MOSTLY_IQ4_XS, 4.25, false},
        {"q3_k_l", LLAMA_FTYPE_MOSTLY_Q3_K_L, 4.27, false},
        {"q3_k_m", LLAMA_FTYPE_MOSTLY_Q3_K_M, 3.91, false},
        {"q3_k_s", LLAMA_FTYPE_MOSTLY_Q3_K_S, 3.5, false},
        {"iq3_m", LLAMA_FTYPE_MOSTLY_IQ3_M, 3.66, false},
        {"iq3_s", LLAMA_FTYPE_MOSTLY_IQ3_S, 3.44, false},
        {"iq3_xs", LLAMA_FTYPE_MOSTLY_IQ3_XS, 3.3, true},
        {"iq3_xxs", LLAMA_FTYPE_MOSTLY_IQ3_XXS, 3.06, true},
        {"q2_k", LLAMA_FTYPE_MOSTLY_Q2_K, 3.35, false},
        {"q2_k_s", LLAMA_FTYPE_MOSTLY_Q2_K_S, 2.97, true},
        {"iq2_m", LLAMA_FTYPE_MOSTLY_IQ2_M, 2.7, true},
        {"iq2_s", LLAMA_FTYPE_MOSTLY_IQ2_S, 2.5, true},
        {"iq2_xs", LLAMA_FTYPE_MOSTLY_IQ2_XS, 2.31, true},
        {"iq2_xxs", LLAMA_FTYPE_MOSTLY_IQ2_XXS, 2.06, true},
        {"iq1_m", LLAMA_FTYPE_MOSTLY_IQ1_M, 1.75, true},
        {"iq1_s", LLAMA_FTYPE_MOSTLY_IQ1_S, 1.56, true},
    };
    return types;
}

Result<QuantType> find_quant_type(std::string_view name) {
    std::vector<std::string> names;
    for (const auto& type : quant_types()) {
        if (equals_ignore_case(type.name, name)) return type;
        names.push_back(type.name);
    }
    return make_error(ErrorCode::kUnsupported, "unknown quantization type \"" + std::string(name) +
                                                   "\"" + did_you_mean_suffix(name, names) +
                                                   "; known types: " + join(names, ", "));
}

Result<std::vector<QuantType>> parse_quant_type_list(std::string_view comma_separated) {
    std::vector<QuantType> out;
    std::stringstream stream{std::string(comma_separated)};
    std::string item;
    while (std::getline(stream, item, ',')) {
        const auto first = item.find_first_not_of(" \t");
        if (first == std::string::npos) continue;
        const auto last = item.find_last_not_of(" \t");
        BIOMEDQ_ASSIGN(QuantType type, find_quant_type(item.substr(first, last - first + 1)));
        out.push_back(type);
    }
    if (out.empty()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "--types: expected a comma-separated list like q8_0,q4_k_m");
    }
    return out;
}

}  // namespace biomedq
