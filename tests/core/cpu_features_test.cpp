#include "core/cpu_features.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

namespace biomedq {
namespace {

TEST(CpuFeatures, MissingListsOnlyKnownAbsentFeatures) {
    const std::map<std::string, bool> host = {
        {"avx2", true}, {"avx512f", false}, {"avx512vnni", false}};
    const FeatureProbe probe = [&](std::string_view name) -> std::optional<bool> {
        auto it = host.find(std::string(name));
        if (it == host.end()) return std::nullopt;
        return it->second;
    };
    EXPECT_EQ(missing_cpu_features("avx2 avx512f  avx512vnni somefuture", probe),
              (std::vector<std::string>{"avx512f", "avx512vnni"}));
    EXPECT_TRUE(missing_cpu_features("", probe).empty());
    EXPECT_TRUE(missing_cpu_features("avx2", probe).empty());
}

TEST(CpuFeatures, KnowsTheNamesBuildsUseAndConsistentWithEachOther) {
#if defined(__x86_64__)
    for (const char* name :
         {"sse4.2", "avx", "avx2", "fma", "f16c", "bmi2", "avx512f", "avx512vnni", "avx512bf16",
          "avx512fp16", "avxvnni", "amx.tile", "amx.int8"}) {
        EXPECT_TRUE(cpu_supports(name).has_value()) << name;
    }
    // Every x86-64 CPU has SSE2-era features; AVX2 implies AVX, AVX-512 extensions imply AVX-512F.
    if (*cpu_supports("avx2")) {
        EXPECT_TRUE(*cpu_supports("avx"));
    }
    if (*cpu_supports("avx512vnni")) {
        EXPECT_TRUE(*cpu_supports("avx512f"));
    }
#endif
    EXPECT_FALSE(cpu_supports("no-such-extension").has_value());
}

TEST(CpuFeatures, RefusalNamesTheMissingFeature) {
    ::setenv("BIOMEDQ_TEST_CPU_LACKS", "avx2 sse4.2", 1);
    const Status s = check_cpu_has("sse4.2 avx2", "the test library");
    ::unsetenv("BIOMEDQ_TEST_CPU_LACKS");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kUnsupported);
    EXPECT_NE(s.error().message.find("lacks sse4.2, avx2, which the test library"),
              std::string::npos)
        << s.error().message;
    EXPECT_NE(s.error().message.find("scripts/build.sh"), std::string::npos);
}

}  // namespace
}  // namespace biomedq
