// SIGKILL at random points of `biomedq sweep` (quantizing, evaluating, importing): after 5 kills
// and a final uninterrupted resume, every cell holds every example exactly once, its scores equal
// those of a sweep that was never interrupted, and the store holds each cell once.
#include <sys/wait.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "biomedq/store.h"
#include "faults_support.h"

namespace biomedq::test {
namespace {

constexpr int kLimit = 6;  // per task and cell: 2 cells x 2 tasks x 6 = 24 examples

std::filesystem::path write_sweep(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    const auto yaml = dir / "sweep.yaml";
    std::ofstream(yaml) << "models:\n  - {name: tiny, path: " << tiny_model_path().string() << "}\n"
                        << "quant_types: [q8_0]\ntasks: [pubmedqa, ddi]\nprompts: [zero-shot]\n"
                        << "limit: " << kLimit
                        << "\nctx: 1024\nparallel: 1\nbootstrap_resamples: 50\n"
                        << "fidelity: false\ndata_dir: " << shared_data_dir().string()
                        << "\nout: out\n";
    return yaml;
}

std::vector<std::string> sweep_args(const std::filesystem::path& yaml) {
    return {biomedq_binary().string(), "sweep", yaml.string()};
}

std::map<std::string, std::filesystem::path> cell_dirs(const std::filesystem::path& out) {
    std::map<std::string, std::filesystem::path> cells;
    for (const auto& entry : std::filesystem::directory_iterator(out / "runs")) {
        cells[entry.path().filename().string()] = entry.path();
    }
    return cells;
}

// Complete lines in every cell's sample log so far.
std::size_t count_sample_lines(const std::filesystem::path& runs) {
    std::size_t n = 0;
    std::error_code ec;
    if (!std::filesystem::exists(runs, ec)) return 0;
    for (const auto& entry : std::filesystem::directory_iterator(runs, ec)) {
        std::ifstream in(entry.path() / "samples.jsonl");
        std::string line;
        while (std::getline(in, line)) {
            if (!in.eof()) ++n;  // a line still being written has no newline yet
        }
    }
    return n;
}

using SweepFaults = FaultTest;

TEST_F(SweepFaults, FiveRandomKillsThenResumeEqualAnUninterruptedSweep) {
    const auto straight_yaml = write_sweep(dir_ / "straight");
    const auto t0 = std::chrono::steady_clock::now();
    const auto straight = run_command(sweep_args(straight_yaml));
    ASSERT_EQ(straight.exit_code, 0) << straight.err;
    const double full_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // Kill points: the first lands by time (usually while quantizing or loading), the others when
    // the sample logs reach a random line count beyond what is already done, so each kill lands
    // mid-evaluation however fast or loaded the machine is.
    const auto killed_yaml = write_sweep(dir_ / "killed");
    const auto killed_runs = dir_ / "killed" / "out" / "runs";
    const std::size_t total_lines = 2u * 2u * kLimit;
    std::mt19937 rng(20261128);  // fixed: a failure reproduces with the same kill points
    int n_killed = 0;
    for (int i = 0; i < 5; ++i) {
        const std::size_t done = count_sample_lines(killed_runs);
        if (done + 1 >= total_lines) break;
        const std::size_t target =
            std::uniform_int_distribution<std::size_t>(done + 1, total_lines - 1)(rng);
        const pid_t pid = spawn_command(sweep_args(killed_yaml), (dir_ / "k.out").string(),
                                        (dir_ / "k.err").string());
        ASSERT_GT(pid, 0);
        if (i == 0) {
            std::this_thread::sleep_for(std::chrono::duration<double>(0.1 * full_s));
        } else {
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
            while (count_sample_lines(killed_runs) < target &&
                   std::chrono::steady_clock::now() < deadline && !has_exited(pid)) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        }
        ::kill(pid, SIGKILL);
        const int code = wait_command(pid);
        if (code == 128 + SIGKILL) {
            ++n_killed;
        } else {
            ASSERT_EQ(code, 0) << read_text(dir_ / "k.err");  // finished before the kill landed
        }
    }
    EXPECT_GE(n_killed, 3) << "most kills should land mid-sweep (uninterrupted sweep took "
                           << full_s << " s)";
    const auto resumed = run_command(sweep_args(killed_yaml));
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;

    const auto straight_cells = cell_dirs(dir_ / "straight" / "out");
    const auto killed_cells = cell_dirs(dir_ / "killed" / "out");
    ASSERT_EQ(straight_cells.size(), 2u);
    ASSERT_EQ(killed_cells.size(), 2u);
    for (const auto& [name, straight_dir] : straight_cells) {
        ASSERT_TRUE(killed_cells.count(name)) << name;
        const auto samples = read_sample_lines(killed_cells.at(name) / "samples.jsonl");
        EXPECT_EQ(samples.size(), 2u * kLimit) << name;
        std::set<std::pair<std::string, std::string>> keys;
        for (const auto& s : samples) keys.emplace(s["task"], s["id"]);
        EXPECT_EQ(keys.size(), samples.size()) << name << ": an example was duplicated";
        EXPECT_EQ(read_json_file(killed_cells.at(name) / "results.json")["tasks"],
                  read_json_file(straight_dir / "results.json")["tasks"])
            << name;
    }
    auto store = ResultStore::open(dir_ / "killed" / "out" / "results.sqlite");
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(store->count_runs().value(), 2);
}

}  // namespace
}  // namespace biomedq::test
