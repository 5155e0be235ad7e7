// synth and quantize protect what is on disk (issue 18 item 6): an existing output is refused
// without
// --force (exit 2, the file named), an interrupt leaves no .tmp file, a full disk is reported as
// "No space left on device" naming the file, and quantize reports progress like synth.
#include <signal.h>

#include "e2e/e2e_support.h"
#include "support/temp_dir_test.h"

namespace biomedq::test {
namespace {

class SynthQuantizeSafetyE2E : public TempDirTest {
protected:
    SynthQuantizeSafetyE2E() : TempDirTest("synth-quantize-safety") {}
    std::vector<std::string> synth_args(const std::filesystem::path& out,
                                        std::vector<std::string> extra = {}) const {
        std::vector<std::string> args = {
            bin_,      "synth",
            "--shape", "tiny",
            "--vocab", (llama_src_dir() / "models" / "ggml-vocab-llama-bpe.gguf").string(),
            "-o",      out.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }
    static std::string slurp(const std::filesystem::path& path) {
        std::ifstream in(path);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    static bool any_tmp_file(const std::filesystem::path& dir) {
        for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
            if (e.path().filename().string().find(".tmp") != std::string::npos) return true;
        }
        return false;
    }
    // Waits until a file whose name ends in ".tmp" exists under `dir` (the command is writing).
    static bool wait_for_tmp(const std::filesystem::path& dir, pid_t pid) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while (std::chrono::steady_clock::now() < deadline) {
            if (any_tmp_file(dir)) return true;
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == pid) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        return false;
    }
};

TEST_F(SynthQuantizeSafetyE2E, SynthRefusesToOverwriteWithoutForce) {
    const auto out = dir_ / "notes.txt";
    std::ofstream(out) << "my notes\n";
    auto refused = run_command(synth_args(out));
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_EQ(refused.err, "biomedq: error: " + out.string() +
                               ": already exists; pass --force to overwrite it\n");
    EXPECT_EQ(slurp(out), "my notes\n");

    auto forced = run_command(synth_args(out, {"--force"}));
    EXPECT_EQ(forced.exit_code, 0) << forced.err;
    EXPECT_EQ(slurp(out).substr(0, 4), "GGUF");
}

TEST_F(SynthQuantizeSafetyE2E, QuantizeRefusesToOverwriteAnyOutputWithoutForce) {
    const auto out_dir = dir_ / "q";
    std::filesystem::create_directories(out_dir);
    const auto existing = out_dir / (tiny_model_path().stem().string() + "-Q4_K_M.gguf");
    std::ofstream(existing) << "keep me\n";
    // The second type's file exists: refused before the first type is quantized.
    auto refused = run_command({bin_, "quantize", tiny_model_path().string(), "--types",
                                "q8_0,q4_k_m", "-o", out_dir.string()});
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_EQ(refused.err, "biomedq: error: " + existing.string() +
                               ": already exists; pass --force to overwrite it\n");
    EXPECT_EQ(slurp(existing), "keep me\n");
    EXPECT_FALSE(
        std::filesystem::exists(out_dir / (tiny_model_path().stem().string() + "-Q8_0.gguf")));

    auto forced = run_command({bin_, "quantize", tiny_model_path().string(), "--types",
                               "q8_0,q4_k_m", "-o", out_dir.string(), "--force"});
    EXPECT_EQ(forced.exit_code, 0) << forced.err;
    EXPECT_EQ(slurp(existing).substr(0, 4), "GGUF");
}

TEST_F(SynthQuantizeSafetyE2E, QuantizeShowsProgressPerTypeOnStderr) {
    auto r = run_command({bin_, "quantize", tiny_model_path().string(), "--types", "q8_0,q4_0",
                          "-o", (dir_ / "q").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // The last line of each type is always printed (interval or not): all weights, all tensors.
    for (const std::string type : {"q8_0", "q4_0"}) {
        const auto at = r.err.find("quantize: " + type + ": 100% of 0.03B weights (");
        ASSERT_NE(at, std::string::npos) << r.err;
        EXPECT_NE(r.err.find(" tensors), ", at), std::string::npos) << r.err;
    }
    EXPECT_EQ(r.out.find("quantize:"), std::string::npos);  // stdout stays the table
}

TEST_F(SynthQuantizeSafetyE2E, QuantizeOnAFullDiskSaysSoAndNamesTheFile) {
    // llama.cpp writes <out>.tmp; pointing that path at /dev/full makes every write fail with
    // ENOSPC, as on a full disk, without root or a small file system.
    const auto out_dir = dir_ / "q";
    std::filesystem::create_directories(out_dir);
    const auto out = out_dir / (tiny_model_path().stem().string() + "-Q8_0.gguf");
    std::filesystem::create_symlink("/dev/full", out.string() + ".tmp");
    auto r = run_command(
        {bin_, "quantize", tiny_model_path().string(), "--types", "q8_0", "-o", out_dir.string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(
                  "biomedq: error: " + out.string() +
                  ": cannot write the quantized model (No space left on device); nothing was kept"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("iostream error"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(out.string() + ".tmp")));
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(SynthQuantizeSafetyE2E, InterruptedSynthLeavesNoTmpFile) {
    // A shape big enough to still be writing when the signal comes (about 0.9B weights, one
    // thread).
    const auto out = dir_ / "big.gguf";
    auto args = synth_args(
        out, {"--n-layer", "48", "--n-embd", "1024", "--n-ff", "4096", "--threads", "1"});
    const pid_t pid = spawn_command(args, (dir_ / "out.txt").string(), (dir_ / "err.txt").string());
    ASSERT_TRUE(wait_for_tmp(dir_, pid)) << slurp(dir_ / "err.txt");
    ::kill(pid, SIGINT);
    EXPECT_EQ(wait_command(pid), 130) << slurp(dir_ / "err.txt");
    EXPECT_FALSE(any_tmp_file(dir_));
    EXPECT_FALSE(std::filesystem::exists(out));
    EXPECT_NE(slurp(dir_ / "err.txt")
                  .find("interrupted; removed the partial file " + out.string() + ".tmp"),
              std::string::npos)
        << slurp(dir_ / "err.txt");
}

TEST_F(SynthQuantizeSafetyE2E, TerminatedQuantizeLeavesNoTmpFile) {
    // A zero-weight source costs no time or disk; quantizing it still takes seconds on one thread.
    const auto src = dir_ / "big-f16.gguf";
    auto made = run_command(synth_args(
        src, {"--n-layer", "48", "--n-embd", "1024", "--n-ff", "4096", "--zero-weights"}));
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const auto out_dir = dir_ / "q";
    const pid_t pid = spawn_command({bin_, "quantize", src.string(), "--types", "q4_k_m", "-o",
                                     out_dir.string(), "--threads", "1"},
                                    (dir_ / "out.txt").string(), (dir_ / "err.txt").string());
    ASSERT_TRUE(wait_for_tmp(dir_, pid)) << slurp(dir_ / "err.txt");
    ::kill(pid, SIGTERM);
    EXPECT_EQ(wait_command(pid), 143) << slurp(dir_ / "err.txt");
    EXPECT_FALSE(any_tmp_file(dir_));
    EXPECT_TRUE(!std::filesystem::exists(out_dir) || std::filesystem::is_empty(out_dir));
}

}  // namespace
}  // namespace biomedq::test
