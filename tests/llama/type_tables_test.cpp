// The ggml type and KV cache type tables of src/llama.
#include <gtest/gtest.h>

#include <optional>

#include "biomedq/engine.h"
#include "llama/ggml_type_names.h"
#include "llama/kv_cache_type.h"

namespace biomedq {
namespace {

TEST(GgmlTypeNames, AreGgmlsOwn) {
    EXPECT_EQ(llama::ggml_type_from_name("q4_K"), GGML_TYPE_Q4_K);
    EXPECT_EQ(llama::ggml_type_from_name("bf16"), GGML_TYPE_BF16);
    EXPECT_EQ(llama::ggml_type_from_name("iq3_s"), GGML_TYPE_IQ3_S);
    EXPECT_EQ(llama::ggml_type_from_name("q4_k"), std::nullopt);  // ggml spells K upper case
    EXPECT_EQ(llama::ggml_type_from_name("DEPRECATED"), std::nullopt);
}

TEST(KvCacheType, EveryOfferedNameMapsToItsGgmlType) {
    EXPECT_EQ(kv_cache_type_names().front(), "f16");  // the default comes first
    for (const auto& name : kv_cache_type_names()) {
        const auto type = llama::kv_cache_ggml_type(name);
        ASSERT_TRUE(type.has_value()) << name;
        EXPECT_EQ(ggml_type_name(*type), name);
    }
    EXPECT_EQ(llama::kv_cache_ggml_type("q4_K"), std::nullopt);  // a weight type, not a KV type
}

TEST(KvCacheType, AnUnknownNameIsRefusedNamingTheOptionAndTheClosestType) {
    const Status s = check_kv_cache_type("q8", "--kv-type");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message.find("--kv-type q8: not a KV cache type"), std::string::npos);
    EXPECT_NE(s.error().message.find("q8_0"), std::string::npos);
    EXPECT_TRUE(check_kv_cache_type("q4_0", "--kv-type").ok());
}

}  // namespace
}  // namespace biomedq
