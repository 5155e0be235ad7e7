// Inputs found by fuzz/gguf_info_fuzzer.cpp, kept as regression tests (docs/RELIABILITY.md).
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "biomedq/quant.h"
#include "support/paths.h"

namespace biomedq {
namespace {

// A minimal GGUF v3: llama metadata with the given block count and one 4-float tensor.
std::string tiny_gguf(uint32_t block_count) {
    std::string out;
    auto u32 = [&](uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
    auto u64 = [&](uint64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); };
    auto str = [&](const std::string& s) {
        u64(s.size());
        out += s;
    };
    auto kv_u32 = [&](const std::string& key, uint32_t v) {
        str(key);
        u32(4);
        u32(v);
    };
    out = "GGUF";
    u32(3);
    u64(1);  // tensors
    u64(5);  // metadata keys
    str("general.architecture");
    u32(8);
    str("llama");
    kv_u32("llama.block_count", block_count);
    kv_u32("llama.embedding_length", 4);
    kv_u32("llama.attention.head_count", 1);
    kv_u32("llama.context_length", 64);
    str("output_norm.weight");
    u32(1);
    u64(4);
    u32(0 /* F32 */);
    u64(0);
    out.append((32 - out.size() % 32) % 32, '\0');
    out.append(32, '\0');
    return out;
}

TEST(ModelInfoFuzzRegression, AHugeBlockCountIsAParseErrorNotA32GbAllocation) {
    const auto path = test::make_temp_dir("model_info_fuzz") / "layers.gguf";
    { std::ofstream(path, std::ios::binary) << tiny_gguf(0xfb000001u); }
    auto info = read_model_info(path);
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.error().code, ErrorCode::kParse);
    EXPECT_EQ(info.error().message,
              path.string() +
                  ": key \"llama.block_count\" is 4211081217 but the file has only 1 tensors");
}

}  // namespace
}  // namespace biomedq
