// A model file that changes between runs (same path, different bytes) is refused on resume: the run
// identity holds the model's sha256, and the message names it with both values.
#include "faults_support.h"

namespace biomedq::test {
namespace {

using ModelChangedFaults = FaultTest;

TEST_F(ModelChangedFaults, ResumingWithAChangedModelFileIsRefused) {
    const auto model = dir_ / "model.gguf";
    std::filesystem::copy_file(tiny_model_path(), model);
    const auto run = dir_ / "run";
    const auto args = tiny_eval_args(model, run, "pubmedqa", 1);
    const auto first = run_command(args);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    const std::string old_sha = read_json_file(run / "config.json")["identity"]["model_sha256"];

    // Flip the last byte (tensor data: the file still loads) and move the mtime on, so no cached
    // hash can hide the change.
    {
        std::fstream f(model, std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(-1, std::ios::end);
        const char c = static_cast<char>(f.get());
        f.seekp(-1, std::ios::end);
        f.put(static_cast<char>(c ^ 0x5a));
    }
    std::filesystem::last_write_time(
        model, std::filesystem::last_write_time(model) + std::chrono::seconds(10));

    const auto second = run_command(args);
    EXPECT_EQ(second.exit_code, 2) << second.err;
    EXPECT_NE(second.err.find("holds a run with a different configuration"), std::string::npos)
        << second.err;
    EXPECT_NE(second.err.find("model_sha256 (was \"" + old_sha + "\", now \""), std::string::npos)
        << second.err;
    // The refused run touched nothing.
    EXPECT_EQ(read_json_file(run / "config.json")["identity"]["model_sha256"], old_sha);
    EXPECT_EQ(read_sample_lines(run / "samples.jsonl").size(), 1u);
}

}  // namespace
}  // namespace biomedq::test
