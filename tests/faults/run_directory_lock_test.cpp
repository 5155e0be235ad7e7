// Two processes on one run directory (issue 13, item 2). Before the lock, two evals on one --out
// appended into the same samples.jsonl, cut each other's records mid-line and left a directory
// every resume refused. Now a second eval, sweep cell or rescore is refused at once, naming the
// holder's pid, and leaves the directory alone; the holder finishes a run that resumes and
// validates; and a SIGKILLed holder leaves no stale lock behind.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "faults_support.h"
#include "runner/run_lock.h"
#include "support/temp_dir_test.h"

namespace biomedq::test {
namespace {

// 3 tasks x 15 examples, one at a time with short answers: the holder runs for a while.
constexpr std::size_t kExamples = 45;

std::vector<std::string> holder_args(const std::filesystem::path& out) {
    auto args = tiny_eval_args(tiny_model_path(), out, "pubmedqa,ddi,hoc", 15);
    args.insert(args.end(), {"--max-tokens", "24"});
    return args;
}

// Until `file` has `n` complete lines (true) or `pid` exited or 300 s passed (false).
bool wait_for_complete_lines(const std::filesystem::path& file, std::size_t n, pid_t pid) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    while (std::chrono::steady_clock::now() < deadline) {
        if (complete_lines(file) >= n) return true;
        if (has_exited(pid)) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

void expect_every_example_once(const std::filesystem::path& run) {
    const auto samples = read_sample_lines(run / "samples.jsonl");
    EXPECT_EQ(samples.size(), kExamples);
    std::set<std::pair<std::string, std::string>> keys;
    for (const auto& s : samples) keys.emplace(s["task"], s["id"]);
    EXPECT_EQ(keys.size(), kExamples) << "an example was duplicated";
}

void expect_valid_run(const std::filesystem::path& run) {
    const auto script = tasks_dir().parent_path() / "scripts" / "validate-run.py";
    const auto r = run_command({"/usr/bin/python3", script.string(), run.string()}, 120);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

std::string refusal(pid_t holder) {
    return "is in use by another biomedq process (pid " + std::to_string(holder) + ", lock file ";
}

class RunDirectoryLockFaults : public SharedDataTest {
protected:
    RunDirectoryLockFaults() : SharedDataTest("faults-run-lock") {}

    // Starts `args` in the background (its output in <name>.out and <name>.err) and waits until it
    // has written 2 samples to `run`: its pid, or -1 (a failure) when it did not start or ended
    // first.
    pid_t start_holder(const std::vector<std::string>& args, const std::filesystem::path& run,
                       const std::string& name) {
        const auto err = dir_ / (name + ".err");
        const pid_t pid = spawn_command(args, (dir_ / (name + ".out")).string(), err.string());
        if (pid <= 0) {
            ADD_FAILURE() << "the " << name << " eval did not start";
            return -1;
        }
        if (!wait_for_complete_lines(run / "samples.jsonl", 2, pid)) {
            ADD_FAILURE() << "the " << name
                          << " eval ended before writing 2 samples: " << read_text(err);
            return -1;
        }
        return pid;
    }
};

TEST_F(RunDirectoryLockFaults, ASecondEvalOnTheSameOutIsRefusedAtOnceAndTheFirstFinishesAValidRun) {
    const auto run = dir_ / "run";
    const auto args = holder_args(run);
    const pid_t first = start_holder(args, run, "first");
    ASSERT_GT(first, 0);
    const std::string config_before = read_text(run / "config.json");
    const std::string samples_before = read_text(run / "samples.jsonl");

    const auto t0 = std::chrono::steady_clock::now();
    const auto second = run_command(args, 300);
    const double second_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(second.exit_code, 2) << second.err;
    EXPECT_NE(second.err.find(run.string() + " " + refusal(first)), std::string::npos)
        << second.err;
    EXPECT_LT(second_s, 10.0) << "refused only after " << second_s << " s";
    ASSERT_FALSE(has_exited(first))
        << "the first eval ended before the second started: nothing was tested";
    EXPECT_EQ(read_text(run / "config.json"), config_before);

    EXPECT_EQ(wait_command(first), 0) << read_text(dir_ / "first.err");
    // The first eval's log only grew: the refused one wrote nothing into it.
    EXPECT_EQ(read_text(run / "samples.jsonl").substr(0, samples_before.size()), samples_before);
    expect_every_example_once(run);
    expect_valid_run(run);
    const auto resumed = run_command(args);
    EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_NE(resumed.err.find("45 examples (45 resumed, 0 run)"), std::string::npos)
        << resumed.err;
}

TEST_F(RunDirectoryLockFaults, ASigkilledHolderLeavesNoStaleLockAndTheNextEvalResumes) {
    const auto run = dir_ / "run";
    const auto args = holder_args(run);
    const pid_t holder = start_holder(args, run, "holder");
    ASSERT_GT(holder, 0);
    ::kill(holder, SIGKILL);
    ASSERT_EQ(wait_command(holder), 128 + SIGKILL);
    const std::size_t done = complete_lines(run / "samples.jsonl");
    ASSERT_LT(done, kExamples) << "the run finished before it could be killed";
    // The dead holder's pid is still written there; its lock went with it.
    EXPECT_EQ(read_text(run / runner::RunDirectoryLock::kFileName), std::to_string(holder) + "\n");

    const auto resumed = run_command(args);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_NE(resumed.err.find("45 examples (" + std::to_string(done) + " resumed, "),
              std::string::npos)
        << resumed.err;
    expect_every_example_once(run);
    expect_valid_run(run);
}

TEST_F(RunDirectoryLockFaults, ASweepCellHeldByAnotherProcessIsRefusedBeforeAnythingIsTouched) {
    const auto yaml = dir_ / "sweep.yaml";
    std::ofstream(yaml) << "models:\n  - {name: tiny, path: " << tiny_model_path().string() << "}\n"
                        << "quant_types: [q8_0]\ntasks: [pubmedqa]\nprompts: [zero-shot]\n"
                        << "limit: 2\nctx: 1024\nparallel: 1\nbootstrap_resamples: 50\n"
                        << "fidelity: false\ndata_dir: " << shared_data_dir().string()
                        << "\nout: out\n";
    const auto cell = dir_ / "out" / "runs" / "tiny-F16-zero-shot";
    const std::vector<std::string> args = {biomedq_binary().string(), "sweep", yaml.string(),
                                           "--quiet"};
    {
        // This test process plays the other holder (an eval or a sweep on the same cell).
        auto held = runner::RunDirectoryLock::acquire(cell, true);
        ASSERT_TRUE(held.ok()) << held.error().message;
        const auto refused = run_command(args, 300);
        EXPECT_EQ(refused.exit_code, 2) << refused.err;
        EXPECT_NE(
            refused.err.find("tiny-F16-zero-shot: " + cell.string() + " " + refusal(::getpid())),
            std::string::npos)
            << refused.err;
        std::set<std::string> entries;
        for (const auto& e : std::filesystem::directory_iterator(cell)) {
            entries.insert(e.path().filename().string());
        }
        EXPECT_EQ(entries, std::set<std::string>{runner::RunDirectoryLock::kFileName});
        EXPECT_FALSE(std::filesystem::exists(dir_ / "out" / "quantized")) << "quantized anyway";
    }
    const auto after = run_command(args, 600);
    EXPECT_EQ(after.exit_code, 0) << after.err;
    EXPECT_EQ(read_sample_lines(cell / "samples.jsonl").size(), 2u);
}

TEST_F(RunDirectoryLockFaults, RescoreIsRefusedWhileAnotherProcessHoldsTheRun) {
    const auto run = dir_ / "run";
    const auto made = run_command(tiny_eval_args(tiny_model_path(), run, "pubmedqa", 2));
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const std::string samples = read_text(run / "samples.jsonl");
    const std::string results = read_text(run / "results.json");
    const std::vector<std::string> args = {biomedq_binary().string(), "rescore", run.string()};
    {
        auto held = runner::RunDirectoryLock::acquire(run, false);
        ASSERT_TRUE(held.ok()) << held.error().message;
        const auto refused = run_command(args, 120);
        EXPECT_EQ(refused.exit_code, 2) << refused.err;
        EXPECT_NE(refused.err.find(run.string() + " " + refusal(::getpid())), std::string::npos)
            << refused.err;
        EXPECT_EQ(read_text(run / "samples.jsonl"), samples);
        EXPECT_EQ(read_text(run / "results.json"), results);
    }
    const auto rescored = run_command(args, 120);
    EXPECT_EQ(rescored.exit_code, 0) << rescored.err;
}

}  // namespace
}  // namespace biomedq::test
