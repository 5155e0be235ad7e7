// Catalog file sizes (no file: each tensor in the type llama.cpp's quantization rules give it)
// against published GGUF files on the Hugging Face hub. The published files add a header (tokenizer
// and chat template, 1-10 MB) that the catalog does not count, well inside 2%.
#include <gtest/gtest.h>

#include "biomedq/quant.h"

namespace biomedq {
namespace {

void expect_file_size_within_2_percent(const std::string& shape_id, const std::string& type,
                                       double published) {
    auto shape = find_model_shape(shape_id);
    ASSERT_TRUE(shape.ok()) << shape.error().message;
    auto quant = find_quant_type(type);
    ASSERT_TRUE(quant.ok());
    const ModelInfo info = model_info_for_shape(*shape, *quant);
    EXPECT_NEAR(static_cast<double>(info.bytes_file) / published, 1.0, 0.02)
        << shape_id << " " << type << ": catalog " << info.bytes_file << " B, published "
        << published << " B";
}

TEST(CatalogSize, Llama31With8BAnd70BWithinTwoPercentOfPublishedFiles) {
    expect_file_size_within_2_percent("llama-3.1-8b", "q4_k_m",
                                      4920739232.0);  // Meta-Llama-3.1-8B-Instruct
    expect_file_size_within_2_percent("llama-3.1-70b", "q4_k_m", 42520398400.0);
    expect_file_size_within_2_percent("llama-3.1-70b", "iq4_xs", 37902661792.0);
}

TEST(CatalogSize, QwenGemmaMistralWithinTwoPercentOfPublishedFiles) {
    expect_file_size_within_2_percent("qwen2.5-72b", "q4_k_m", 47415715488.0);
    expect_file_size_within_2_percent("qwen2.5-7b", "q4_k_m", 4683074240.0);
    expect_file_size_within_2_percent("gemma-2-9b", "q4_k_m", 5.76e9);
    expect_file_size_within_2_percent("mistral-7b-v0.3", "q5_k_m", 5.14e9);
}

TEST(CatalogSize, QuantMixtureIsLlamaCppsNotNominal) {
    // Q4_K_M keeps the output matrix and some attn_v/ffn_down layers in Q6_K: more than the nominal
    // 4.5 bits of Q4_K, and llama.cpp's own type table says which.
    auto shape = find_model_shape("llama-3.1-8b");
    ASSERT_TRUE(shape.ok());
    const ModelInfo info = model_info_for_shape(*shape, *find_quant_type("q4_k_m"));
    EXPECT_EQ(info.dominant_tensor_type, "q4_K");
    EXPECT_GT(info.n_params_by_type.at("q6_K"), 0u);
    EXPECT_GT(info.n_params_by_type.at("f32"), 0u);  // norms
    EXPECT_EQ(info.n_params, count_parameters(*shape, shape->n_vocab));
}

}  // namespace
}  // namespace biomedq
