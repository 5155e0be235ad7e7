// A binary whose llama.cpp CPU backend needs an extension this CPU lacks refuses at startup with a
// clear message and exit 2, instead of dying later with an illegal instruction (issue 12).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "e2e_support.h"

namespace biomedq::test {
namespace {

TEST(CpuRefusalE2E, MissingExtensionIsNamedBeforeAnyWork) {
    std::ifstream record(llama_bin_dir().parent_path() / "biomedq-cpu-features.txt");
    std::string needed;
    std::getline(record, needed);
    ASSERT_FALSE(needed.empty()) << "scripts/build-llama.sh wrote no biomedq-cpu-features.txt";
    if (needed.find("avx2") == std::string::npos) GTEST_SKIP() << "this build does not need AVX2";
    ::setenv("BIOMEDQ_TEST_CPU_LACKS", "avx2", 1);
    const CommandOutput r = run_command(
        {biomedq_binary().string(), "generate", tiny_model_path().string(), "--prompt", "hi"});
    ::unsetenv("BIOMEDQ_TEST_CPU_LACKS");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("this CPU lacks avx2"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(CpuRefusalE2E, ThisHostStartsNormally) {
    const CommandOutput r = run_command({biomedq_binary().string(), "--version"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace biomedq::test
