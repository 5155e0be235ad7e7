// Synthesis of every architecture the catalog names (llama, qwen2, gemma2, phi3): llama.cpp loads
// the result, counts the shape's parameters and decodes with it; a vocab file with fewer tokens
// than the shape's published vocabulary is padded as llama.cpp's converter pads one.
#include <gtest/gtest.h>
#include <llama.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "biomedq/quant.h"
#include "llama/handles.h"
#include "llama/log_capture.h"
#include "model_fixture.h"
#include "support/paths.h"

namespace biomedq::test {
namespace {

// A catalog shape cut down to test size; the architecture, tokenizer and ties stay.
ModelShape small_version_of(const std::string& id, uint32_t n_vocab) {
    ModelShape shape = *find_model_shape(id);
    shape.id = id + "-test";
    shape.n_vocab = n_vocab;
    shape.n_layer = 2;
    shape.n_embd = 256;
    shape.n_ff = 512;
    shape.n_head = 4;
    shape.n_head_kv = 2;
    shape.head_dim = shape.head_dim == 0 ? 0 : 32;  // gemma2 sets it apart from n_embd / n_head
    return shape;
}

llama::ModelPtr synthesize_and_load(const ModelShape& shape) {
    SynthOptions options;
    options.shape = shape;
    options.vocab_path = llama_src_dir() / "models" / shape.vocab_file;
    const auto path = quant_temp_dir() / (shape.id + ".gguf");
    auto made = synthesize_model(options, path);
    EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
    if (!made.ok()) return nullptr;
    const llama::LogCapture quiet;
    return llama::ModelPtr(llama_model_load_from_file(path.c_str(), llama_model_default_params()));
}

// One decode of a tokenized prompt gives finite logits over the whole (padded) vocabulary.
void expect_decodes(llama_model* model) {
    const llama_vocab* vocab = llama_model_get_vocab(model);
    std::vector<llama_token> tokens(16);
    const int n = llama_tokenize(vocab, "Hello world", 11, tokens.data(), 16, true, false);
    ASSERT_GT(n, 0);
    llama_context_params cparams = llama_context_default_params();
    cparams.n_ctx = 256;
    cparams.n_threads = 2;
    const llama::LogCapture quiet;
    llama::ContextPtr ctx(llama_init_from_model(model, cparams));
    ASSERT_TRUE(ctx);
    llama_batch batch = llama_batch_get_one(tokens.data(), n);
    ASSERT_EQ(llama_decode(ctx.get(), batch), 0);
    const float* logits = llama_get_logits_ith(ctx.get(), -1);
    ASSERT_NE(logits, nullptr);
    const int n_vocab = llama_vocab_n_tokens(vocab);
    EXPECT_TRUE(std::isfinite(logits[0]));
    EXPECT_TRUE(std::isfinite(logits[n_vocab - 1]));
}

TEST(SynthArchitectures, Gemma2LoadsWithItsSlidingWindowTiedHeadAndPaddedVocabulary) {
    // Llama's 32000-token SentencePiece vocabulary, padded to 40000 (Gemma-2's is 256000).
    const ModelShape shape = small_version_of("gemma-2-9b", 40000);
    auto model = synthesize_and_load(shape);
    ASSERT_TRUE(model);
    EXPECT_EQ(llama_model_n_layer(model.get()), 2);
    EXPECT_EQ(llama_model_n_swa(model.get()), 4096);
    EXPECT_EQ(llama_model_n_params(model.get()), count_parameters(shape, 40000));
    const llama_vocab* vocab = llama_model_get_vocab(model.get());
    ASSERT_EQ(llama_vocab_n_tokens(vocab), 40000);
    EXPECT_STREQ(llama_vocab_get_text(vocab, 39999), "[PAD39999]");
    EXPECT_STREQ(llama_vocab_get_text(vocab, 1), "<s>");  // the file's own tokens come first
    expect_decodes(model.get());

    auto info = read_model_info(quant_temp_dir() / "gemma-2-9b-test.gguf");
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->arch, "gemma2");
    EXPECT_EQ(info->n_vocab, 40000u);
}

TEST(SynthArchitectures, Phi3LoadsWithFusedAttentionAndFeedForward) {
    const ModelShape shape = small_version_of("phi-3-medium", 32064);
    auto model = synthesize_and_load(shape);
    ASSERT_TRUE(model);
    EXPECT_EQ(llama_model_n_layer(model.get()), 2);
    EXPECT_EQ(llama_model_n_embd(model.get()), 256);
    EXPECT_EQ(llama_model_n_head_kv(model.get()), 2);
    // attn_qkv (256 x (256 + 2 x 128)) and ffn_up (256 x 2 x 512) as one tensor each.
    EXPECT_EQ(llama_model_n_params(model.get()), count_parameters(shape, 32064));
    EXPECT_EQ(count_parameters(shape, 32064),
              2ull * 32064 * 256 + 256 +
                  2ull * (256 + 256 * 512 + 256 * 256 + 256 + 256 * 1024 + 512 * 256));
    EXPECT_EQ(llama_vocab_n_tokens(llama_model_get_vocab(model.get())), 32064);
    expect_decodes(model.get());
}

// The synthesized file of a published shape is as large as the published file: Gemma-2-9B-it
// Q4_K_M is 5.76 GB (header and tokenizer included), Qwen2.5-7B-Instruct Q4_K_M 4,683,074,240 B.
TEST(SynthArchitectures, ZeroWeightFilesOfPublishedShapesHaveThePublishedSize) {
    const std::pair<const char*, double> published[] = {{"gemma-2-9b", 5.76e9},
                                                        {"qwen2.5-7b", 4683074240.0}};
    for (const auto& [id, bytes] : published) {
        const auto path = zero_weight_model_path(id, "q4_k_m");
        const auto size = static_cast<double>(std::filesystem::file_size(path));
        EXPECT_NEAR(size / bytes, 1.0, 0.005) << id << ": " << size << " B";
    }
}

TEST(SynthArchitectures, AVocabularyLargerThanTheShapesIsKeptWhole) {
    // tiny's published 128256 equals the llama-bpe file; asking for fewer keeps every token.
    ModelShape shape = small_version_of("tiny", 1000);
    shape.vocab_file = "ggml-vocab-llama-bpe.gguf";
    auto model = synthesize_and_load(shape);
    ASSERT_TRUE(model);
    EXPECT_EQ(llama_vocab_n_tokens(llama_model_get_vocab(model.get())), 128256);
}

TEST(SynthArchitectures, AnArchitectureSynthCannotWriteIsRefusedWithoutWritingAnything) {
    SynthOptions options;
    options.shape = small_version_of("tiny", 32000);
    options.shape.arch = "mamba";
    options.vocab_path = llama_src_dir() / "models" / "ggml-vocab-llama-spm.gguf";
    const auto out = quant_temp_dir() / "mamba.gguf";
    auto r = synthesize_model(options, out);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
    EXPECT_EQ(r.error().message,
              "shape \"tiny-test\": architecture \"mamba\" cannot be synthesized (supported: "
              "llama, qwen2, gemma2, phi3)");
    EXPECT_FALSE(std::filesystem::exists(out));
    EXPECT_FALSE(std::filesystem::exists(out.string() + ".tmp"));
}

}  // namespace
}  // namespace biomedq::test
