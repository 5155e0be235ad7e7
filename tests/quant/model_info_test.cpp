#include <gtest/gtest.h>

#include <fstream>

#include "biomedq/quant.h"
#include "model_fixture.h"
#include "support/paths.h"

namespace biomedq::test {
namespace {

// Tiny: n_vocab 128256, n_embd 256, 2 layers, n_head 4, n_head_kv 2 (head dim 64), n_ff 512, tied.
constexpr uint64_t kTokenEmbd = 128256ull * 256;  // 32,833,536
constexpr uint64_t kPerLayer = 256 + 256 * 256 + 2 * 256 * 128 + 256 * 256 + 256 + 3 * 256 * 512;
constexpr uint64_t kTinyParams = kTokenEmbd + 256 + 2 * kPerLayer;  // 34,014,464
// f16 for matrices, f32 for the 256-wide norms (1 output + 2 per layer).
constexpr uint64_t kTinyBytes = 2 * (kTinyParams - 5 * 256) + 4 * 5 * 256;

TEST(ModelInfo, TinyFieldsAreExact) {
    static_assert(kPerLayer == 590336);
    auto info = read_model_info(tiny_model_path());
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->arch, "llama");
    EXPECT_EQ(info->name, "biomedq-synth-tiny");
    EXPECT_EQ(info->n_params, kTinyParams);
    EXPECT_EQ(info->bytes_tensors, kTinyBytes);
    EXPECT_EQ(info->n_params_by_type.at("f16"), kTinyParams - 5 * 256);
    EXPECT_EQ(info->n_params_by_type.at("f32"), 5u * 256);
    EXPECT_EQ(info->dominant_tensor_type, "f16");
    ASSERT_TRUE(info->file_type.has_value());
    EXPECT_EQ(*info->file_type, 1);  // LLAMA_FTYPE_MOSTLY_F16
    EXPECT_EQ(info->file_type_name, "F16");
    EXPECT_NEAR(info->bits_per_weight, 8.0 * kTinyBytes / kTinyParams, 1e-12);
    EXPECT_TRUE(info->has_chat_template);
    EXPECT_EQ(info->n_vocab, 128256u);
    EXPECT_EQ(info->n_ctx_train, 2048u);
    EXPECT_EQ(info->n_layer, 2u);
    EXPECT_EQ(info->n_embd, 256u);
    EXPECT_EQ(info->n_ff, 512u);
    EXPECT_EQ(info->n_head, 4u);
    EXPECT_EQ(info->n_head_kv, 2u);
    EXPECT_EQ(info->head_dim_k, 64u);
    EXPECT_TRUE(info->tied_embeddings);
    EXPECT_EQ(info->bytes_token_embd, 2 * kTokenEmbd);
    EXPECT_EQ(info->bytes_output, 4u * 256);  // output_norm only
    ASSERT_EQ(info->bytes_layer.size(), 2u);
    EXPECT_EQ(info->bytes_layer[0], 2 * (kPerLayer - 512) + 4 * 512);
    EXPECT_GT(info->bytes_file, info->bytes_tensors);
}

TEST(ModelInfo, EstimateArithmeticForTinyIsExact) {
    auto info = read_model_info(tiny_model_path());
    ASSERT_TRUE(info.ok());
    MemoryRequest request;
    request.ctx_per_seq = 300;  // 300 * 3 = 900 -> 1024; 1024 / 3 = 341 -> 512 per seq; 1536 total
    request.n_parallel = 3;
    const MemoryEstimate e = estimate_memory(*info, request);
    EXPECT_EQ(e.n_ctx_seq, 512u);
    EXPECT_EQ(e.n_ctx_total, 1536u);
    // 2 layers * 1536 cells * (128 K + 128 V) * 2 bytes
    EXPECT_EQ(e.bytes_kv, 2u * 1536 * 256 * 2);
    EXPECT_EQ(e.bytes_weights_host, kTinyBytes);
    EXPECT_EQ(e.bytes_weights_gpu, 0u);
    EXPECT_EQ(e.bytes_output, 3u * 128256 * 4);

    // All layers + output on the GPU: only token_embd stays on the host; the tied head is copied.
    request.n_gpu_layers = -1;
    const MemoryEstimate g = estimate_memory(*info, request);
    EXPECT_EQ(g.bytes_weights_host, 2 * kTokenEmbd);
    EXPECT_EQ(g.bytes_weights_gpu, kTinyBytes - 2 * kTokenEmbd + 2 * kTokenEmbd);
    EXPECT_EQ(g.bytes_kv_gpu, g.bytes_kv);
    // n_gpu_layers 1 is the output head alone (tied: a copy of token_embd + output_norm); 2 adds
    // the last layer and its KV.
    request.n_gpu_layers = 1;
    const MemoryEstimate head = estimate_memory(*info, request);
    EXPECT_EQ(head.bytes_weights_gpu, 2 * kTokenEmbd + 4 * 256);
    EXPECT_EQ(head.bytes_kv_gpu, 0u);
    request.n_gpu_layers = 2;
    const MemoryEstimate two = estimate_memory(*info, request);
    EXPECT_EQ(two.bytes_weights_gpu, 2 * kTokenEmbd + 4 * 256 + info->bytes_layer[1]);
    EXPECT_EQ(two.bytes_kv_gpu, e.bytes_kv / 2);
}

TEST(ModelInfo, CatalogShapeEstimate) {
    auto shape = find_model_shape("llama-3.1-8b");
    auto type = find_quant_type("q4_k_m");
    ASSERT_TRUE(shape.ok() && type.ok());
    const ModelInfo info = model_info_for_shape(*shape, *type);
    EXPECT_EQ(info.n_params, 8030261248u);
    // A real Llama-3.1-8B Q4_K_M file is 4.92 GB; the nominal-bpw model is within 5%.
    EXPECT_NEAR(static_cast<double>(info.bytes_tensors), 4.92e9, 0.05 * 4.92e9);
    MemoryRequest request;
    request.ctx_per_seq = 8192;
    const MemoryEstimate e = estimate_memory(info, request);
    // 32 layers * 8192 * (1024 + 1024) * 2 bytes = 1 GiB exactly.
    EXPECT_EQ(e.bytes_kv, 1073741824u);
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

TEST(ModelInfo, BadInputsGiveOneClearError) {
    const auto dir = quant_temp_dir();

    auto missing = read_model_info(dir / "missing.gguf");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(missing.error().message, (dir / "missing.gguf").string() + ": file not found");

    write_bytes(dir / "text.gguf", "this is not a model\n");
    auto text = read_model_info(dir / "text.gguf");
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.error().code, ErrorCode::kParse);
    EXPECT_EQ(text.error().message, (dir / "text.gguf").string() +
                                        ": not a GGUF file (expected magic \"GGUF\" at offset 0)");

    // Cut inside the tensor data: gguf parses the header fine, the size check catches it.
    std::ifstream in(tiny_model_path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    const uint64_t full = bytes.size();
    write_bytes(dir / "cut-data.gguf", bytes.substr(0, bytes.size() / 2));
    auto cut = read_model_info(dir / "cut-data.gguf");
    ASSERT_FALSE(cut.ok());
    EXPECT_EQ(cut.error().code, ErrorCode::kParse);
    EXPECT_EQ(cut.error().message, (dir / "cut-data.gguf").string() +
                                       ": truncated: tensor data needs " + std::to_string(full) +
                                       " bytes, file has " + std::to_string(full / 2));

    // Cut inside the header (the tokenizer arrays).
    write_bytes(dir / "cut-header.gguf", bytes.substr(0, 100000));
    auto header = read_model_info(dir / "cut-header.gguf");
    ASSERT_FALSE(header.ok());
    EXPECT_EQ(header.error().code, ErrorCode::kParse);
    EXPECT_EQ(header.error().message.rfind(
                  (dir / "cut-header.gguf").string() + ": truncated or corrupt GGUF header", 0),
              0u)
        << header.error().message;

    // A vocab-only GGUF of an architecture biomedq cannot estimate.
    auto bert = read_model_info(llama_src_dir() / "models" / "ggml-vocab-bert-bge.gguf");
    ASSERT_FALSE(bert.ok());
    EXPECT_EQ(bert.error().code, ErrorCode::kUnsupported);
    EXPECT_NE(bert.error().message.find(": architecture \"bert\" is not supported"),
              std::string::npos)
        << bert.error().message;
}

}  // namespace
}  // namespace biomedq::test
