// A run killed and resumed with --parallel auto (issue 13, item 6). `auto` used to choose again on
// resume for the smaller pending count (12 examples: 16 sequences; 8 or fewer left: 8), so the rest
// of the run was batched in another shape than an uninterrupted run's. Now the shape is recorded in
// config.json before the first example runs and the resume reuses it.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "faults_support.h"

namespace biomedq::test {
namespace {

constexpr std::size_t kExamples = 12;  // 2 tasks x 6: `auto` picks 16 sequences for 12 pending

std::vector<std::string> auto_args(const std::filesystem::path& out) {
    // pubmedqa answers in at most 4 tokens, hoc in up to 96: the pubmedqa examples finish long
    // before the hoc ones, which leaves time to kill the run with 6 to 11 examples done.
    auto args = tiny_eval_args(tiny_model_path(), out, "pubmedqa,hoc", 6);
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--parallel") args[i + 1] = "auto";
    }
    return args;
}

std::map<std::string, std::string> answers(const std::filesystem::path& run) {
    std::map<std::string, std::string> out;
    for (const auto& s : read_sample_lines(run / "samples.jsonl")) {
        out[s["task"].get<std::string>() + "/" + s["id"].get<std::string>()] = s["raw_output"];
    }
    return out;
}

using BatchShapeResume = FaultTest;

TEST_F(BatchShapeResume, AKilledAutoRunResumesInTheBatchShapeItStartedWith) {
    const auto straight = dir_ / "straight";
    const auto r = run_command(auto_args(straight));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto straight_config = read_json_file(straight / "config.json");
    ASSERT_TRUE(straight_config.contains("batch_shape")) << straight_config.dump();
    const auto& shape = straight_config["batch_shape"];
    EXPECT_EQ(shape["parallel"], 16);
    EXPECT_EQ(shape["n_batch"], 2048);
    EXPECT_EQ(shape["n_ubatch"], 512);
    EXPECT_GE(shape["threads"].get<int>(), 1);

    // Kill once 6 to 11 examples are done: 8 or fewer pending would make `auto` choose 8 afresh.
    const auto killed = dir_ / "killed";
    std::size_t done = 0;
    for (int attempt = 0; attempt < 3 && (done < 6 || done >= kExamples); ++attempt) {
        std::filesystem::remove_all(killed);
        const pid_t pid =
            spawn_command(auto_args(killed), (dir_ / "k.out").string(), (dir_ / "k.err").string());
        ASSERT_GT(pid, 0);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
        while (complete_lines(killed / "samples.jsonl") < 6 && !has_exited(pid) &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        ::kill(pid, SIGKILL);
        wait_command(pid);
        done = complete_lines(killed / "samples.jsonl");
    }
    ASSERT_GE(done, 6u);
    ASSERT_LT(done, kExamples) << "three runs finished before the kill landed";
    EXPECT_EQ(read_json_file(killed / "config.json")["batch_shape"],
              straight_config["batch_shape"]);

    const auto resumed = run_command(auto_args(killed));
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_NE(resumed.err.find("12 examples (" + std::to_string(done) + " resumed, "),
              std::string::npos)
        << resumed.err;
    EXPECT_EQ(resumed.err.find("warning"), std::string::npos) << resumed.err;
    const auto results = read_json_file(killed / "results.json");
    EXPECT_EQ(results["config"]["batch_shape"], straight_config["batch_shape"]);
    EXPECT_EQ(results["config"]["resolved"]["parallel"], 16);
    ASSERT_EQ(results["sessions"].size(), 1u);  // the killed session never reached results.json
    EXPECT_EQ(results["sessions"][0]["batch_shape"]["parallel"], 16);
    EXPECT_EQ(results["sessions"][0]["n_examples_run"], kExamples - done);
    // Every answer equals the uninterrupted run's.
    EXPECT_EQ(answers(killed), answers(straight));
    EXPECT_EQ(results["tasks"], read_json_file(straight / "results.json")["tasks"]);
}

TEST_F(BatchShapeResume, AnExplicitDifferentParallelOnResumeIsObeyedWithAWarningAndRecorded) {
    const auto run = dir_ / "run";
    auto first = tiny_eval_args(tiny_model_path(), run, "pubmedqa", 2);
    const auto r = run_command(first);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(read_json_file(run / "config.json")["batch_shape"]["parallel"], 1);
    // Pretend the second example was lost to a kill: drop its line.
    const std::string text = read_text(run / "samples.jsonl");
    std::ofstream(run / "samples.jsonl", std::ios::trunc) << text.substr(0, text.find('\n') + 1);

    auto again = first;
    for (std::size_t i = 0; i + 1 < again.size(); ++i) {
        if (again[i] == "--parallel") again[i + 1] = "2";
    }
    const auto resumed = run_command(again);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_NE(resumed.err.find("biomedq: warning: --parallel 2: this run started with --parallel 1 "
                               "(config.json batch_shape)"),
              std::string::npos)
        << resumed.err;
    const auto results = read_json_file(run / "results.json");
    EXPECT_EQ(read_json_file(run / "config.json")["batch_shape"]["parallel"], 1);
    EXPECT_EQ(results["config"]["resolved"]["parallel"], 1);
    const auto& sessions = results["sessions"];
    ASSERT_EQ(sessions.size(), 2u);
    EXPECT_EQ(sessions[0]["batch_shape"]["parallel"], 1);
    EXPECT_EQ(sessions[1]["batch_shape"]["parallel"], 2);
}

}  // namespace
}  // namespace biomedq::test
