#include "quant/dry_run_log.h"

#include <gtest/gtest.h>

namespace biomedq::test {
namespace {

// As llama-quant.cpp logs a --dry-run (two LLAMA_LOG_INFO calls per tensor, one line), with the
// loader's banner and a fallback warning around it.
constexpr const char* kLog =
    "llama_model_loader: - type  f32:    5 tensors\n"
    "warning: blk.0.ffn_down.weight             - ncols    320 not divisible by 256 (required for "
    "type    q4_K) -> falling back to    q5_0\n"
    "[   1/   4]                    output.weight - [   256,  32000,      1,      1], type =    "
    "f16, size =   15.625 MiB ->     6.41 MiB (q6_K)\n"
    "[   2/   4]               output_norm.weight - [   256,      1,      1,      1], type =    "
    "f32, size =    0.001 MiB\n"
    "[   3/   4]              blk.0.attn_v.weight - [   256,    128,      1,      1], type =    "
    "f16, size =     0.06 MiB ->     0.03 MiB (iq4_xs)\n"
    "[   4/   4]            blk.0.ffn_down.weight - [   320,    256,      1,      1], type =    "
    "f16, size =     0.16 MiB ->     0.05 MiB (q5_0)\n"
    "llama_model_quantize_impl: model size  =    15.85 MiB (16.00 BPW)\n";

TEST(DryRunLog, ReadsEachTensorsFinalType) {
    auto types = parse_dry_run_types(kLog);
    ASSERT_TRUE(types.ok()) << types.error().message;
    const std::map<std::string, ggml_type> expected = {
        {"output.weight", GGML_TYPE_Q6_K},
        {"output_norm.weight", GGML_TYPE_F32},
        {"blk.0.attn_v.weight", GGML_TYPE_IQ4_XS},
        {"blk.0.ffn_down.weight", GGML_TYPE_Q5_0},
    };
    EXPECT_EQ(*types, expected);
}

// The log also carries the source model's metadata, of any length; lines of 200,000 characters,
// including one shaped like a tensor line up to its name, are skipped without recursion (std::regex
// overflowed the stack on such lines: issue 13, item 5).
TEST(DryRunLog, HugeLinesAreSkippedAndTheTensorLinesStillRead) {
    const std::string huge_name(200000, 'x');
    const std::string log = "print_info: general.name = " + huge_name + "\n" + "[   9/   9] " +
                            huge_name + " - garbled\n" + kLog;
    auto types = parse_dry_run_types(log);
    ASSERT_TRUE(types.ok()) << types.error().message.substr(0, 200);
    EXPECT_EQ(types->size(), 4u);
    EXPECT_EQ(types->at("output.weight"), GGML_TYPE_Q6_K);
    EXPECT_EQ(types->at("blk.0.ffn_down.weight"), GGML_TYPE_Q5_0);
}

TEST(DryRunLog, AnythingItCannotReadIsAnInternalError) {
    auto none = parse_dry_run_types("llama_model_quantize_impl: model size = 1 MiB\n");
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().code, ErrorCode::kInternal);
    EXPECT_NE(none.error().message.find("no per-tensor lines"), std::string::npos);

    auto unknown = parse_dry_run_types(
        "[   1/   1]  output.weight - [   256,  32000,      1,      1], type =    f16, size =   "
        "15.625 MiB ->     6.41 MiB (q9_Z)\n");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(
        unknown.error().message,
        "llama.cpp's quantization dry run gave tensor output.weight type \"q9_Z\", which ggml "
        "does not name");

    // 2 announced, 1 readable (the other line lost its type).
    auto short_log = parse_dry_run_types(
        "[   1/   2]  output.weight - [   256,  32000,      1,      1], type =    f16, size =   "
        "15.625 MiB ->     6.41 MiB (q6_K)\n"
        "[   2/   2]  token_embd.weight - [   256,  32000,      1,      1], type = ???\n");
    ASSERT_FALSE(short_log.ok());
    EXPECT_EQ(short_log.error().message,
              "llama.cpp's quantization dry run announced 2 tensors, only 1 of their lines could "
              "be read");
}

}  // namespace
}  // namespace biomedq::test
