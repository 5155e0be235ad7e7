// One CLI convention (issue 18 item 5): -m/--model, -o/--output, -ngl, old spellings as hidden
// aliases, usage errors exit 2 with a suggestion.
#include "e2e/e2e_support.h"

namespace biomedq::test {
namespace {

CommandOutput biomedq(std::vector<std::string> args) {
    args.insert(args.begin(), biomedq_binary().string());
    return run_command(args);
}

TEST(CliConventionE2E, UsageErrorsExitTwoWithASuggestion) {
    auto sub = biomedq({"evl"});
    EXPECT_EQ(sub.exit_code, 2);
    EXPECT_NE(sub.err.find("biomedq: error: unknown subcommand \"evl\" (did you mean \"eval\"?)"),
              std::string::npos)
        << sub.err;
    auto option = biomedq({"eval", "--modle", "m.gguf", "-o", "/tmp/never"});
    EXPECT_EQ(option.exit_code, 2);
    EXPECT_NE(option.err.find("(did you mean \"--model\"?)"), std::string::npos) << option.err;
    auto missing = biomedq({"report"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("biomedq: error: store is required"), std::string::npos)
        << missing.err;
    auto bad_value = biomedq({"eval", "-m", "m.gguf", "-o", "/tmp/never", "--limit", "many"});
    EXPECT_EQ(bad_value.exit_code, 2) << bad_value.err;
    EXPECT_EQ(biomedq({"--help"}).exit_code, 0);
    EXPECT_EQ(biomedq({"eval", "--help"}).exit_code, 0);
    EXPECT_EQ(biomedq({"--version"}).exit_code, 0);
}

TEST(CliConventionE2E, ModelFlagWorksWhereTheModelIsPositional) {
    const std::string model = tiny_model_path().string();
    auto positional = biomedq({"info", model, "--ctx", "512"});
    auto flagged = biomedq({"info", "-m", model, "--ctx", "512", "-ngl", "0"});
    auto long_flag = biomedq({"info", "--model=" + model, "--ctx", "512"});
    ASSERT_EQ(positional.exit_code, 0) << positional.err;
    ASSERT_EQ(flagged.exit_code, 0) << flagged.err;
    ASSERT_EQ(long_flag.exit_code, 0) << long_flag.err;
    // The same file read the same way (the simulation's timing differs run to run); -ngl reached
    // --gpu-layers, whose default is all layers, as in every other command.
    const auto head = [](const std::string& out) { return out.substr(0, out.find("  source:")); };
    EXPECT_EQ(head(positional.out), head(long_flag.out));
    EXPECT_NE(positional.out.find("per sequence), all layers on the GPU,"), std::string::npos)
        << positional.out;
    EXPECT_NE(flagged.out.find("per sequence), 0 GPU layer(s),"), std::string::npos) << flagged.out;
    auto generated =
        biomedq({"generate", "-m", model, "--prompt", "Hello", "--max-tokens", "2", "--no-chat"});
    EXPECT_EQ(generated.exit_code, 0) << generated.err;
}

TEST(CliConventionE2E, OutputAndItsOldSpellingsAllWork) {
    if (!std::filesystem::exists(shared_data_dir() / "README.md"))
        GTEST_SKIP() << "no data at " << shared_data_dir();
    const auto dir = make_temp_dir("cli-output");
    const std::string model = tiny_model_path().string();
    for (const char* spelling : {"-o", "--output", "--out"}) {
        const auto run = dir / (std::string("run") + spelling);
        auto r = biomedq({"eval", "-m", model, "--tasks", "pubmedqa", "--limit", "1",
                          "--max-tokens", "2", "--ctx", "1024", spelling, run.string()});
        ASSERT_EQ(r.exit_code, 0) << spelling << ": " << r.err;
        EXPECT_TRUE(std::filesystem::exists(run / "results.json")) << spelling;
    }
    auto quantized =
        biomedq({"quantize", "-m", model, "--types", "q8_0", "--output-dir", (dir / "q").string()});
    ASSERT_EQ(quantized.exit_code, 0) << quantized.err;
    EXPECT_TRUE(std::filesystem::exists(dir / "q" / "tiny-f16-Q8_0.gguf")) << quantized.out;
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace biomedq::test
