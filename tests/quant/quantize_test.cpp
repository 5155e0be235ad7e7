#include <gtest/gtest.h>

#include "biomedq/quant.h"
#include "model_fixture.h"

namespace biomedq::test {
namespace {

TEST(QuantTypes, LookupIsCaseInsensitiveWithSuggestions) {
    auto t = find_quant_type("Q4_K_M");
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->name, "q4_k_m");
    EXPECT_EQ(t->ftype, 15);
    auto bad = find_quant_type("q4_km");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::kUnsupported);
    EXPECT_EQ(bad.error().message.rfind("unknown quantization type \"q4_km\" (did you mean "
                                        "\"q4_k_m\"?); known types: f32, f16, bf16, q8_0",
                                        0),
              0u)
        << bad.error().message;
    auto list = parse_quant_type_list("q8_0, q2_k");
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[1].name, "q2_k");
    EXPECT_FALSE(parse_quant_type_list(" , ").ok());
    EXPECT_TRUE(find_quant_type("iq2_xxs")->needs_imatrix);
    EXPECT_FALSE(find_quant_type("q2_k")->needs_imatrix);
}

TEST(Quantize, SizesStrictlyOrderedByType) {
    auto src = read_model_info(tiny_spm_model_path());
    ASSERT_TRUE(src.ok());
    const auto dir = quant_temp_dir() / "quantized";
    std::filesystem::create_directories(dir);
    uint64_t previous = src->bytes_tensors;
    std::string previous_name = "f16";
    for (const char* name : {"q8_0", "q6_k", "q5_k_m", "q4_k_m", "q3_k_m", "q2_k"}) {
        auto type = find_quant_type(name);
        ASSERT_TRUE(type.ok());
        const auto out = quantized_output_path(tiny_spm_model_path(), dir, *type);
        auto report = quantize_model(tiny_spm_model_path(), *type, out, [] {
            QuantizeOptions o;
            o.n_threads = 2;
            return o;
        }());
        ASSERT_TRUE(report.ok()) << report.error().message;
        EXPECT_EQ(report->n_params, src->n_params);
        EXPECT_LT(report->bytes_tensors, previous) << name << " not smaller than " << previous_name;
        EXPECT_TRUE(std::filesystem::exists(out));
        EXPECT_FALSE(std::filesystem::exists(out.string() + ".tmp"));
        auto info = read_model_info(out);
        ASSERT_TRUE(info.ok());
        EXPECT_EQ(*info->file_type, type->ftype);
        EXPECT_TRUE(info->has_chat_template);
        previous = report->bytes_tensors;
        previous_name = name;
    }
    // Names: <stem>-<TYPE>.gguf.
    EXPECT_TRUE(std::filesystem::exists(dir / "tiny-spm-Q4_K_M.gguf"));
    // q8_0: 34 bytes per 32 weights for every matrix, f32 norms: exact.
    auto q8 = read_model_info(dir / "tiny-spm-Q8_0.gguf");
    ASSERT_TRUE(q8.ok());
    // 32000 * 256 + 256 + 2 * 590336 weights.
    EXPECT_EQ(q8->n_params, 9372928u);
    EXPECT_EQ(q8->bytes_tensors, (9372928u - 5 * 256) / 32 * 34 + 5 * 256 * 4);
}

TEST(Quantize, ImatrixTypeWithoutImatrixFailsBeforeWork) {
    auto type = find_quant_type("iq2_xxs");
    const auto out = quant_temp_dir() / "never.gguf";
    auto report = quantize_model(tiny_spm_model_path(), *type, out);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(
        report.error().message.rfind("quantization type iq2_xxs needs an importance matrix", 0),
        0u);
    EXPECT_FALSE(std::filesystem::exists(out));
    EXPECT_FALSE(std::filesystem::exists(out.string() + ".tmp"));
}

TEST(Quantize, BadSourceFailsWithoutOutput) {
    const auto out = quant_temp_dir() / "never2.gguf";
    auto report = quantize_model(quant_temp_dir() / "nope.gguf", *find_quant_type("q8_0"), out);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().code, ErrorCode::kNotFound);
    EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace biomedq::test
