// Quantized inference smoke test on the CPU this suite runs on (issue 12): every listed type of the
// tiny model is quantized and then decodes prompts alone and in a batch through `biomedq generate`.
// On hosts that report AMX the pinned llama.cpp's AMX kernels died here with SIGILL; each type
// reaches a different CPU kernel family (q8_0/q4_0 dot products and repacked GEMM, k-quants,
// i-quants).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "e2e_support.h"

namespace biomedq::test {
namespace {

namespace fs = std::filesystem;

// ctest runs each type in its own process: each quantizes only its own type.
fs::path quantized_file(const std::string& type) {
    const fs::path dir =
        fs::temp_directory_path() / ("biomedq-quant-smoke-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const CommandOutput r =
        run_command({biomedq_binary().string(), "quantize", tiny_model_path().string(), "--types",
                     type, "-o", dir.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() == ".gguf") return entry.path();
    }
    return {};
}

class QuantizedSmoke : public ::testing::TestWithParam<std::string> {};

TEST_P(QuantizedSmoke, GeneratesAloneAndInABatch) {
    const fs::path model = quantized_file(GetParam());
    ASSERT_FALSE(model.empty()) << "quantize wrote no " << GetParam() << " file";
    const fs::path dir = model.parent_path();
    // Long enough (about 90 tokens) that prompt processing takes the matrix-matrix kernels.
    std::string long_prompt;
    for (int i = 0; i < 12; ++i) long_prompt += "Aspirin inhibits cyclooxygenase in platelets. ";
    const fs::path prompts = dir / "prompts.jsonl";
    {
        std::ofstream out(prompts);
        for (int i = 0; i < 4; ++i) {
            out << nlohmann::json{{"id", "p" + std::to_string(i)},
                                  {"prompt", long_prompt + "Question " + std::to_string(i)}}
                       .dump()
                << "\n";
        }
    }
    const CommandOutput alone =
        run_command({biomedq_binary().string(), "generate", model.string(), "--prompt", long_prompt,
                     "--no-chat", "--max-tokens", "6", "--json"});
    ASSERT_EQ(alone.exit_code, 0) << alone.err;
    const CommandOutput batch = run_command({biomedq_binary().string(), "generate", model.string(),
                                             "--file", prompts.string(), "--no-chat",
                                             "--max-tokens", "6", "--parallel", "4", "--json"});
    ASSERT_EQ(batch.exit_code, 0) << batch.err;
    std::istringstream lines(batch.out);
    int results = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        const nlohmann::json r = nlohmann::json::parse(line);
        EXPECT_GT(r.at("n_tokens_generated").get<int>(), 0) << line;
        ++results;
    }
    EXPECT_EQ(results, 4);
    fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Types, QuantizedSmoke,
                         ::testing::Values("q8_0", "q4_0", "q4_k_m", "iq4_xs", "q2_k"));

}  // namespace
}  // namespace biomedq::test
