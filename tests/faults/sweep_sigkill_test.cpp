// SIGKILL at random points of `biomedq sweep` (quantizing, evaluating, importing): after 5 kills and
// a final uninterrupted resume, every cell holds every example exactly once, its scores equal those
// of a sweep that was never interrupted, and the store holds each cell once.
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
                        << "limit: " << kLimit << "\nctx: 1024\nparallel: 1\nbootstrap_resamples: 50\n"
                        << "fidelity: false\ndata_dir: " << shared_data_dir().string() << "\nout: out\n";
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

TEST(SweepFaults, FiveRandomKillsThenResumeEqualAnUninterruptedSweep) {
    if (!have_shared_data()) GTEST_SKIP() << "no data at " << shared_data_dir();
    const auto dir = make_temp_dir("faults_sweep_kill");

    const auto straight_yaml = write_sweep(dir / "straight");
    const auto t0 = std::chrono::steady_clock::now();
    const auto straight = run_command(sweep_args(straight_yaml));
    ASSERT_EQ(straight.exit_code, 0) << straight.err;
    const double full_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    const auto killed_yaml = write_sweep(dir / "killed");
    std::mt19937 rng(20261128);  // fixed: a failure reproduces with the same kill points
    std::uniform_real_distribution<double> fraction(0.05, 0.9);
    int n_killed = 0;
    for (int i = 0; i < 5; ++i) {
        const auto delay = std::chrono::duration<double>(fraction(rng) * full_s);
        const pid_t pid = spawn_command(sweep_args(killed_yaml), (dir / "k.out").string(), (dir / "k.err").string());
        ASSERT_GT(pid, 0);
        std::this_thread::sleep_for(delay);
        ::kill(pid, SIGKILL);
        const int code = wait_command(pid);
        if (code == 128 + SIGKILL) {
            ++n_killed;
        } else {
            ASSERT_EQ(code, 0) << read_text(dir / "k.err");  // finished before the kill landed
        }
    }
    EXPECT_GE(n_killed, 3) << "most kills should land mid-sweep (uninterrupted sweep took " << full_s << " s)";
    const auto resumed = run_command(sweep_args(killed_yaml));
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;

    const auto straight_cells = cell_dirs(dir / "straight" / "out");
    const auto killed_cells = cell_dirs(dir / "killed" / "out");
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
    auto store = ResultStore::open(dir / "killed" / "out" / "results.sqlite");
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(store->count_runs().value(), 2);
}

}  // namespace
}  // namespace biomedq::test
