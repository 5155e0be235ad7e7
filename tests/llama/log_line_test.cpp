// llama.cpp log lines of any length are read without recursion: a GGUF's general.name is logged
// whole ("print_info: general.name = ..."), and a 60,000-character one overflowed the stack of
// std::regex_search (issue 13, item 5).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "biomedq/engine.h"
#include "llama/recent_log.h"

namespace biomedq {
namespace {

TEST(LlamaLogLine, AHundredThousandCharacterMetadataLineIsNotABufferLine) {
    std::vector<BufferMemory> b;
    const std::string name(100000, 'n');
    // ": " then a long run without spaces is what sent the regex's "(\S+)" 100,000 frames deep.
    EXPECT_FALSE(llama::parse_buffer_line("print_info: general.name          = x: " + name, b));
    EXPECT_FALSE(llama::parse_buffer_line("llama_model_loader: - kv   2: general.name str = " +
                                              name + " model buffer size = 1.00 MiB",
                                          b));  // no ": NAME" right before the kind
    EXPECT_TRUE(b.empty());
}

TEST(LlamaLogLine, AHundredThousandCharacterBufferNameIsReadWhole) {
    std::vector<BufferMemory> b;
    const std::string name(100000, 'B');
    EXPECT_TRUE(
        llama::parse_buffer_line("load_tensors: " + name + " model buffer size =  12.50 MiB", b));
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].buffer, name);
    EXPECT_EQ(b[0].bytes_weights, static_cast<std::uint64_t>(12.5 * 1024 * 1024));
}

TEST(LlamaLogLine, ShapesTheRegexAcceptedAndRefused) {
    std::vector<BufferMemory> b;
    // Output buffers, and runs of spaces anywhere the format pads.
    EXPECT_TRUE(llama::parse_buffer_line(
        "llama_context:        CPU  output buffer size =     0.49 MiB", b));
    EXPECT_TRUE(llama::parse_buffer_line("llama_context: CUDA0 compute  buffer size=2 MiB", b));
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[0].buffer, "CPU");
    EXPECT_EQ(b[0].bytes_output, static_cast<std::uint64_t>(0.49 * 1024 * 1024 + 0.5));
    EXPECT_EQ(b[1].buffer, "CUDA0");
    EXPECT_EQ(b[1].bytes_compute, 2ull * 1024 * 1024);
    // Refused: an unknown kind, no colon before the name, no number ("." alone threw in std::stod),
    // another unit.
    EXPECT_FALSE(llama::parse_buffer_line("x: CPU weird buffer size = 1.00 MiB", b));
    EXPECT_FALSE(llama::parse_buffer_line("CPU model buffer size = 1.00 MiB", b));
    EXPECT_FALSE(llama::parse_buffer_line("x: CPU model buffer size = . MiB", b));
    EXPECT_FALSE(llama::parse_buffer_line("x: CPU model buffer size = 1.00 GiB", b));
    EXPECT_EQ(b.size(), 2u);
}

TEST(LlamaLogCapture, ParsesBufferSizeLines) {
    std::vector<BufferMemory> b;
    EXPECT_TRUE(
        llama::parse_buffer_line("load_tensors:   CPU_Mapped model buffer size =   100.00 MiB", b));
    EXPECT_TRUE(
        llama::parse_buffer_line("llama_kv_cache:        CPU KV buffer size =    32.00 MiB", b));
    EXPECT_TRUE(llama::parse_buffer_line(
        "sched_reserve:      CUDA0 compute buffer size =   266.50 MiB", b));
    EXPECT_FALSE(llama::parse_buffer_line("llama_context: n_ctx = 4096", b));
    ASSERT_EQ(b.size(), 3u);
    EXPECT_EQ(b[0].buffer, "CPU_Mapped");
    EXPECT_EQ(b[0].bytes_weights, 100ull * 1024 * 1024);
    EXPECT_EQ(b[1].bytes_kv, 32ull * 1024 * 1024);
    EXPECT_EQ(b[2].buffer, "CUDA0");
    EXPECT_EQ(b[2].bytes_compute, static_cast<std::uint64_t>(266.5 * 1024 * 1024));
}

}  // namespace
}  // namespace biomedq
