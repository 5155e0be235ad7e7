// The sample log on a write error (EFBIG under RLIMIT_FSIZE, as a full disk): the run stops with a
// message naming the file and the cause, the records already written stay complete, and rerunning
// the same command without the limit resumes and finishes with every example once.
#include <set>

#include "faults_support.h"

namespace biomedq::test {
namespace {

using SampleLogFaults = FaultTest;

TEST_F(SampleLogFaults, AWriteErrorStopsTheRunCleanlyAndARerunResumes) {
    const auto run = dir_ / "run";
    const auto args = tiny_eval_args(tiny_model_path(), run, "pubmedqa,ddi", 12);

    // Room for the config and a few samples (~1 KB each), not for all 24.
    const auto limited = run_with_file_size_limit(args, 6000, dir_);
    EXPECT_NE(limited.exit_code, 0) << limited.err;
    EXPECT_NE(limited.err.find("samples.jsonl: writing a sample failed: File too large"),
              std::string::npos)
        << limited.err;
    EXPECT_NE(limited.err.find("the samples written before are intact"), std::string::npos)
        << limited.err;

    // Everything on disk is complete JSON lines, ending on a newline, within the limit.
    const std::string log = read_text(run / "samples.jsonl");
    ASSERT_FALSE(log.empty());
    EXPECT_LE(log.size(), 6000u);
    EXPECT_EQ(log.back(), '\n');
    const auto before = read_sample_lines(run / "samples.jsonl");
    ASSERT_GE(before.size(), 1u);
    ASSERT_LT(before.size(), 24u) << "the limit did not bite";
    for (const auto& s : before) EXPECT_TRUE(s.contains("parsed")) << s.dump();
    EXPECT_FALSE(std::filesystem::exists(run / "results.json"));

    const auto resumed = run_command(args);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    const auto after = read_sample_lines(run / "samples.jsonl");
    ASSERT_EQ(after.size(), 24u);
    std::set<std::pair<std::string, std::string>> keys;
    for (const auto& s : after) keys.emplace(s["task"], s["id"]);
    EXPECT_EQ(keys.size(), 24u) << "an example was duplicated";
    // The records from before the fault are kept verbatim (resume appends, never rewrites).
    for (std::size_t i = 0; i < before.size(); ++i) EXPECT_EQ(after[i], before[i]);
}

}  // namespace
}  // namespace biomedq::test
