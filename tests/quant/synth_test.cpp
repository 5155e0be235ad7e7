#include <gtest/gtest.h>
#include <llama.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "biomedq/quant.h"
#include "llama/handles.h"
#include "llama/log_capture.h"
#include "model_fixture.h"
#include "support/paths.h"

namespace biomedq::test {
namespace {

TEST(Synth, TinyLoadsWithLlamaCppAndDecodes) {
    const llama::LogCapture quiet;  // llama.cpp's load banners stay off the test output
    llama_model_params mparams = llama_model_default_params();
    llama::ModelPtr model(llama_model_load_from_file(tiny_model_path().c_str(), mparams));
    ASSERT_TRUE(model);
    EXPECT_EQ(llama_model_n_layer(model.get()), 2);
    EXPECT_EQ(llama_model_n_embd(model.get()), 256);
    EXPECT_EQ(llama_model_n_head(model.get()), 4);
    EXPECT_EQ(llama_model_n_head_kv(model.get()), 2);
    EXPECT_EQ(llama_model_n_ctx_train(model.get()), 2048);
    // 128256 * 256 (tied embeddings) + 256 (output_norm)
    // + 2 * (256 + 256*256 + 2*256*128 + 256*256 + 256 + 3*256*512) = 2 * 590336
    EXPECT_EQ(llama_model_n_params(model.get()), 32833536u + 256u + 1180672u);

    // The real llama-3 tokenizer: "Hello world" is two tokens, 9906 and 1917, in Llama-3.
    const llama_vocab* vocab = llama_model_get_vocab(model.get());
    EXPECT_EQ(llama_vocab_n_tokens(vocab), 128256);
    std::vector<llama_token> tokens(16);
    const int n = llama_tokenize(vocab, "Hello world", 11, tokens.data(), 16, false, false);
    ASSERT_EQ(n, 2);
    EXPECT_EQ(tokens[0], 9906);
    EXPECT_EQ(tokens[1], 1917);

    // A chat template llama.cpp recognizes as Llama-3.
    const char* tmpl = llama_model_chat_template(model.get(), nullptr);
    ASSERT_NE(tmpl, nullptr);
    llama_chat_message msg{"user", "hi"};
    std::vector<char> buf(256);
    const int len = llama_chat_apply_template(tmpl, &msg, 1, true, buf.data(),
                                              static_cast<int32_t>(buf.size()));
    ASSERT_GT(len, 0);
    EXPECT_EQ(std::string(buf.data(), static_cast<std::size_t>(len)),
              "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
              "<|start_header_id|>assistant<|end_header_id|>\n\n");

    // Generates: one decode of the prompt gives finite logits.
    llama_context_params cparams = llama_context_default_params();
    cparams.n_ctx = 256;
    cparams.n_threads = 2;
    llama::ContextPtr ctx(llama_init_from_model(model.get(), cparams));
    ASSERT_TRUE(ctx);
    llama_batch batch = llama_batch_get_one(tokens.data(), n);
    ASSERT_EQ(llama_decode(ctx.get(), batch), 0);
    const float* logits = llama_get_logits_ith(ctx.get(), -1);
    ASSERT_NE(logits, nullptr);
    EXPECT_TRUE(std::isfinite(logits[0]));
}

TEST(Synth, SameSeedSameBytesWhateverTheThreadCount) {
    SynthOptions options;
    options.shape = *find_model_shape("tiny");
    options.shape.n_layer = 1;
    options.vocab_path = llama_src_dir() / "models" / "ggml-vocab-llama-spm.gguf";
    options.n_threads = 1;
    const auto a = quant_temp_dir() / "seed-a.gguf";
    const auto b = quant_temp_dir() / "seed-b.gguf";
    ASSERT_TRUE(synthesize_model(options, a).ok());
    options.n_threads = 3;
    ASSERT_TRUE(synthesize_model(options, b).ok());
    std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
    const std::string bytes_a((std::istreambuf_iterator<char>(fa)), {});
    const std::string bytes_b((std::istreambuf_iterator<char>(fb)), {});
    EXPECT_EQ(bytes_a.size(), bytes_b.size());
    EXPECT_TRUE(bytes_a == bytes_b);
    // The spm vocab has no chat template: an [INST] one is added.
    auto info = read_model_info(a);
    ASSERT_TRUE(info.ok());
    EXPECT_TRUE(info->has_chat_template);
    EXPECT_EQ(info->n_vocab, 32000u);
}

TEST(Synth, MissingVocabAndBadTypeAreClearErrors) {
    SynthOptions options;
    options.shape = *find_model_shape("tiny");
    options.vocab_path = "/nonexistent/vocab.gguf";
    auto r = synthesize_model(options, quant_temp_dir() / "x.gguf");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(r.error().message, "/nonexistent/vocab.gguf: file not found");

    options.vocab_path = llama_src_dir() / "models" / "ggml-vocab-llama-spm.gguf";
    options.type = "q4_9";
    r = synthesize_model(options, quant_temp_dir() / "x.gguf");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
    EXPECT_EQ(r.error().message.rfind("unknown quantization type \"q4_9\" (did you mean", 0), 0u)
        << r.error().message;
    EXPECT_FALSE(std::filesystem::exists(quant_temp_dir() / "x.gguf"));
}

TEST(Synth, RejectsInconsistentDimensions) {
    SynthOptions options;
    options.shape = *find_model_shape("tiny");
    options.shape.n_head_kv = 3;
    options.vocab_path = llama_src_dir() / "models" / "ggml-vocab-llama-spm.gguf";
    auto r = synthesize_model(options, quant_temp_dir() / "y.gguf");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "shape \"tiny\": n_head (4) must be a multiple of n_head_kv (3)");
}

TEST(Catalog, FindsShapesAndSuggestsCloseNames) {
    auto shape = find_model_shape("Llama-3.1-8B");
    ASSERT_TRUE(shape.ok());
    EXPECT_EQ(shape->id, "llama-3.1-8b");
    // Llama-3.1-8B's published parameter count: 8,030,261,248.
    EXPECT_EQ(count_parameters(*shape, shape->n_vocab), 8030261248u);
    auto bad = find_model_shape("llama-3.1-8");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("did you mean \"llama-3.1-8b\"?"), std::string::npos);
    for (const char* id :
         {"llama-3.3-70b", "qwen2.5-7b", "qwen2.5-72b", "mistral-7b", "gemma-2-9b", "gemma-2-27b",
          "phi-3-medium", "meditron-7b", "meditron-70b", "biomistral-7b", "openbiollm-8b",
          "openbiollm-70b", "med42-70b", "clinicalcamel-70b", "llama-3-8b", "llama-3-70b"}) {
        EXPECT_TRUE(find_model_shape(id).ok()) << id;
    }
    // Qwen2.5-7B: 7,615,616,512 parameters (published).
    EXPECT_EQ(count_parameters(*find_model_shape("qwen2.5-7b"), 152064), 7615616512u);
}

}  // namespace
}  // namespace biomedq::test
