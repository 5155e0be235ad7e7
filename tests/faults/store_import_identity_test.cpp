// `biomedq import` of one run under several paths, and from many processes at once into a new store
// (issue 13, item 8): the store and the report hold each run once, and every process waits for the
// others' transactions and exits 0 instead of failing with "database is locked".
#include <signal.h>

#include <chrono>
#include <set>
#include <thread>

#include "biomedq/store.h"
#include "faults_support.h"

namespace biomedq::test {
namespace {

namespace fs = std::filesystem;

// A copy of the fixture run (pubmedqa, 3 samples) with its own configuration hash.
fs::path fixture_copy(const fs::path& dir, const std::string& config_hash) {
    fs::create_directories(dir);
    for (const char* name : {"results.json", "samples.jsonl"}) {
        fs::copy_file(fixtures_dir() / "report" / "run-tiny-q8" / name, dir / name);
    }
    auto results = read_json_file(dir / "results.json");
    results["config"]["hash"] = config_hash;
    std::ofstream(dir / "results.json") << results.dump(2);
    return dir;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

CommandOutput import(const std::string& dir, const fs::path& db) {
    return run_command({biomedq_binary().string(), "import", dir, "--store", db.string()}, 120);
}

TEST(StoreImportIdentity, AnotherPathASymlinkOrACopyIsOneRunInTheStoreAndTheReport) {
    const auto dir = make_temp_dir("faults_import_paths");
    const auto r1 = fixture_copy(dir / "runs" / "r1", "abc123");
    fs::create_directory_symlink(r1, dir / "link");
    fs::copy(r1, dir / "copy", fs::copy_options::recursive);
    const auto db = dir / "results.sqlite";

    const auto first = import(r1.string(), db);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_NE(first.err.find(r1.string() + " -> run 1 (added)"), std::string::npos) << first.err;
    for (const std::string& spelling :
         {r1.string() + "/", (dir / "link").string(), (dir / "copy").string()}) {
        const auto again = import(spelling, db);
        ASSERT_EQ(again.exit_code, 0) << again.err;
        EXPECT_NE(again.err.find(spelling + ": unchanged, already stored as run 1 (imported from " +
                                 fs::canonical(r1).string() +
                                 ": same configuration, model, samples and results); "
                                 "nothing written"),
                  std::string::npos)
            << again.err;
        EXPECT_NE(again.err.find("holds 1 runs"), std::string::npos) << again.err;
    }
    const auto report = run_command(
        {biomedq_binary().string(), "report", db.string(), "-o", (dir / "report").string()}, 120);
    ASSERT_EQ(report.exit_code, 0) << report.err;
    const std::string csv = read_text(dir / "report" / "results.csv");
    EXPECT_EQ(count(csv, "\n"), 2u) << csv;  // the header and one row
    const std::string md = read_text(dir / "report" / "report.md");
    EXPECT_EQ(count(md, "| invented-model | Q8_0 | zero-shot |"), 3u)
        << md;  // summary table, pubmedqa table, memory table: one row each
}

// Waits for every pid, up to a deadline (then kills what is left): exit codes in pid order.
std::vector<int> wait_all(const std::vector<pid_t>& pids, int timeout_s) {
    std::vector<int> codes(pids.size(), -1);
    std::size_t left = pids.size();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (left > 0 && std::chrono::steady_clock::now() < deadline) {
        for (std::size_t i = 0; i < pids.size(); ++i) {
            int status = 0;
            if (codes[i] != -1 || ::waitpid(pids[i], &status, WNOHANG) != pids[i]) continue;
            codes[i] = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            --left;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (std::size_t i = 0; i < pids.size(); ++i) {
        if (codes[i] != -1) continue;
        ::kill(pids[i], SIGKILL);
        ::waitpid(pids[i], nullptr, 0);
        codes[i] = 137;
    }
    return codes;
}

TEST(StoreImportIdentity, ThirteenConcurrentImportsIntoANewStoreAllSucceed) {
    const auto dir = make_temp_dir("faults_import_concurrent");
    // Six runs, and seven more paths to them: a trailing slash, symlinks, copies.
    std::vector<std::string> paths;
    for (int i = 0; i < 6; ++i)
        paths.push_back(
            fixture_copy(dir / "runs" / ("r" + std::to_string(i)), "h" + std::to_string(i))
                .string());
    fs::create_directory_symlink(paths[1], dir / "link1");
    fs::create_directory_symlink(paths[4], dir / "link4");
    fs::copy(paths[2], dir / "copy2", fs::copy_options::recursive);
    fs::copy(paths[5], dir / "copy5", fs::copy_options::recursive);
    for (const auto& extra :
         {paths[0] + "/", (dir / "link1").string(), (dir / "copy2").string(), paths[3] + "/.",
          (dir / "link4").string(), (dir / "copy5").string(), paths[0]}) {
        paths.push_back(extra);
    }
    ASSERT_EQ(paths.size(), 13u);

    // Repeated, each time into a new store: the race is in creating the schema and in the first
    // writes.
    for (int round = 0; round < 5; ++round) {
        const auto round_dir = dir / ("round" + std::to_string(round));
        fs::create_directories(round_dir);
        const auto db = round_dir / "results.sqlite";
        std::vector<pid_t> pids;
        for (std::size_t i = 0; i < paths.size(); ++i) {
            const auto base = round_dir / ("import" + std::to_string(i));
            pids.push_back(spawn_command(
                {biomedq_binary().string(), "import", paths[i], "--store", db.string()},
                base.string() + ".out", base.string() + ".err"));
            ASSERT_GT(pids.back(), 0);
        }
        const auto codes = wait_all(pids, 120);
        std::size_t added = 0, unchanged = 0;
        for (std::size_t i = 0; i < paths.size(); ++i) {
            const std::string err = read_text(round_dir / ("import" + std::to_string(i) + ".err"));
            EXPECT_EQ(codes[i], 0) << "round " << round << ", " << paths[i] << ": " << err;
            added += count(err, " (added)\n");
            unchanged += count(err, ": unchanged, already stored as run ");
        }
        EXPECT_EQ(added, 6u) << "round " << round;
        EXPECT_EQ(unchanged, 7u) << "round " << round;

        auto store = ResultStore::open(db);
        ASSERT_TRUE(store.ok()) << store.error().message;
        auto runs = store->load_runs(true);
        ASSERT_TRUE(runs.ok()) << runs.error().message;
        std::multiset<std::string> hashes;
        for (const auto& r : *runs) {
            hashes.insert(r.config_hash);
            ASSERT_EQ(r.tasks.size(), 1u);
            EXPECT_EQ(r.tasks[0].samples.size(), 3u) << r.config_hash;
        }
        EXPECT_EQ(hashes, (std::multiset<std::string>{"h0", "h1", "h2", "h3", "h4", "h5"}))
            << "round " << round;
        if (HasFailure()) break;
    }
}

}  // namespace
}  // namespace biomedq::test
