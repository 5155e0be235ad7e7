// `biomedq sweep --slurm` against a real Slurm on this machine (scripts/start-slurm.sh; CI starts
// it in .ci/run): an array sweep equals the in-process sweep, a cancelled array task resumes on
// resubmit with nothing duplicated, and a cell that fits no node is refused before anything is
// submitted.
#include <chrono>
#include <cstdlib>
#include <map>
#include <thread>

#include "biomedq/store.h"
#include "e2e_support.h"

namespace biomedq::test {
namespace {

// A Slurm client command by name, from PATH (run_command takes a path).
std::string tool(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    std::size_t at = 0;
    while (at <= dirs.size()) {
        const auto end = dirs.find(':', at);
        const auto dir = dirs.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (!dir.empty() && std::filesystem::exists(std::filesystem::path(dir) / name)) {
            return (std::filesystem::path(dir) / name).string();
        }
        if (end == std::string::npos) break;
        at = end + 1;
    }
    return "/usr/bin/" + name;
}

bool slurm_up() {
    if (!std::filesystem::exists(tool("scontrol"))) return false;
    const auto ping = run_command({tool("scontrol"), "ping"}, 20);
    return ping.exit_code == 0 && ping.out.find("UP") != std::string::npos;
}

#define SKIP_WITHOUT_SLURM()                                                                    \
    if (!slurm_up())                                                                            \
        GTEST_SKIP()                                                                            \
            << "no Slurm running here (scontrol ping); start one: bash scripts/start-slurm.sh"; \
    if (!have_data()) GTEST_SKIP() << "no data at " << shared_data_dir()

bool have_data() { return std::filesystem::is_directory(shared_data_dir()); }

std::filesystem::path write_yaml(const std::filesystem::path& path, const std::string& body) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << "models:\n  - {name: tiny, path: " << tiny_model_path().string() << "}\n"
                        << "data_dir: " << shared_data_dir().string() << "\nout: out\n"
                        << body;
    return path;
}

std::vector<std::string> sweep(const std::filesystem::path& yaml,
                               std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {biomedq_binary().string(), "sweep", yaml.string(), "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

// Polls squeue until none of `jobs` is queued or running; false after timeout_s.
bool wait_for_jobs(const std::vector<std::string>& jobs, int timeout_s) {
    std::string ids;
    for (const auto& j : jobs) ids += (ids.empty() ? "" : ",") + j;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
        const auto q = run_command({tool("squeue"), "-h", "-j", ids, "-o", "%i"}, 30);
        if (q.exit_code == 0 && q.out.find_first_not_of(" \n") == std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
}

// JobState of a job that ended (slurmctld keeps it for MinJobAge).
std::string job_state(const std::string& job) {
    const auto shown = run_command({tool("scontrol"), "-o", "show", "job", job}, 30);
    const auto at = shown.out.find("JobState=");
    if (at == std::string::npos) return "unknown: " + shown.out + shown.err;
    return shown.out.substr(at + 9, shown.out.find(' ', at) - at - 9);
}

std::string trimmed(const std::string& s) {
    const auto e = s.find_last_not_of(" \n");
    return e == std::string::npos ? "" : s.substr(0, e + 1);
}

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The store rows that do not depend on where or when a cell ran: identity, configuration, memory
// allocated, every metric and every example's gold, answer and score.
nlohmann::json comparable_runs(const std::filesystem::path& store_path) {
    auto store = ResultStore::open(store_path);
    EXPECT_TRUE(store.ok()) << store.error().message;
    if (!store.ok()) return {};
    auto runs = store->load_runs(true);
    EXPECT_TRUE(runs.ok()) << runs.error().message;
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : *runs) {
        nlohmann::json tasks = nlohmann::json::array();
        for (const auto& t : r.tasks) {
            nlohmann::json metrics = nlohmann::json::array(), samples = nlohmann::json::array();
            for (const auto& m : t.metrics)
                metrics.push_back({m.name, m.value, m.ci_low, m.ci_high});
            for (const auto& s : t.samples) {
                samples.push_back(
                    {s.example_id, s.index, s.score, s.parsed.labels, s.parsed.valid});
            }
            tasks.push_back({t.task, t.kind, t.primary_metric, t.n_examples, t.n_selected,
                             t.invalid_rate, t.complete, metrics, samples});
        }
        out.push_back({r.model_name, r.model_sha256, r.quant_type, r.quant_label, r.bits_per_weight,
                       r.n_params, r.bytes_file, r.prompt, r.subset, r.limit, r.seed, r.ctx,
                       r.kv_type, r.bytes_weights, r.bytes_kv, r.bytes_compute,
                       r.bytes_total_allocated, tasks});
    }
    auto fidelity = store->load_fidelity();
    EXPECT_TRUE(fidelity.ok());
    for (auto f : *fidelity) {
        f.measured_at.clear();
        out.push_back(to_json(f));
    }
    return out;
}

// report.md without what depends on the machine's load: the speed columns (the last two) of the
// "Memory and speed" table.
std::string comparable_report(const std::filesystem::path& md) {
    std::istringstream in(read_text(md));
    std::string line, out;
    bool speed_table = false;
    while (std::getline(in, line)) {
        // When the report and its runs were made differs between the two sweeps; everything else
        // must not.
        if (line.rfind("| report generated |", 0) == 0 || line.rfind("| runs |", 0) == 0) continue;
        if (line.rfind("## ", 0) == 0) speed_table = line == "## Memory and speed";
        if (speed_table && line.rfind("|", 0) == 0) {
            std::size_t at = 0;
            for (int bar = 0; bar < 7 && at != std::string::npos; ++bar)
                at = line.find('|', at + 1);
            line = line.substr(0, at);
        }
        out += line + "\n";
    }
    return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

constexpr const char* kGrid =
    "quant_types: [q8_0, q4_k_m]\ntasks: [pubmedqa, ddi]\nprompts: [zero-shot, 'few-shot:1']\n"
    "limit: 2\nctx: 1024\nparallel: 2\nbootstrap_resamples: 100\nfidelity: {tokens: 256, ctx: "
    "128}\n";

TEST(SlurmSweep, ArraySweepEqualsTheInProcessSweep) {
    SKIP_WITHOUT_SLURM();
    const auto dir = make_temp_dir("slurm_equal");

    const auto local_yaml = write_yaml(dir / "local" / "grid.yaml", kGrid);
    const auto t_local = std::chrono::steady_clock::now();
    const auto local = run_command(sweep(local_yaml));
    ASSERT_EQ(local.exit_code, 0) << local.err;
    const auto report = run_command({biomedq_binary().string(), "report",
                                     (dir / "local" / "out" / "results.sqlite").string(), "-o",
                                     (dir / "local" / "out" / "report").string()});
    ASSERT_EQ(report.exit_code, 0) << report.err;
    const double local_s = seconds_since(t_local);

    const auto array_yaml = write_yaml(dir / "array" / "grid.yaml", kGrid);
    const auto t_array = std::chrono::steady_clock::now();
    const auto submit = run_command(sweep(array_yaml, {"--slurm", "--max-concurrent", "2"}));
    ASSERT_EQ(submit.exit_code, 0) << submit.err;
    EXPECT_NE(submit.err.find("6 cells: 0 finished, 0 queued or running, 6 to submit"),
              std::string::npos)
        << submit.err;
    const std::string final_job = trimmed(submit.out);
    ASSERT_FALSE(final_job.empty());
    ASSERT_TRUE(wait_for_jobs({final_job}, 900)) << "the final job did not end within 900 s";
    const double array_s = seconds_since(t_array);
    const auto out = dir / "array" / "out";
    EXPECT_EQ(job_state(final_job), "COMPLETED")
        << read_text(out / "slurm" / "logs" / ("final-" + final_job + ".out"));
    std::cout << "[ timing   ] in-process sweep + report " << local_s
              << " s; Slurm array sweep (submit to final job) " << array_s << " s\n";
    RecordProperty("in_process_s", std::to_string(local_s));
    RecordProperty("slurm_array_s", std::to_string(array_s));

    // One preparation job per quantized type, one array of the 6 cells, one final job.
    const auto jobs = read_json(out / "slurm" / "jobs.json");
    ASSERT_EQ(jobs["submissions"].size(), 1u);
    EXPECT_EQ(jobs["submissions"][0]["prepare"].size(), 2u);
    ASSERT_EQ(jobs["submissions"][0]["arrays"].size(), 1u);
    EXPECT_EQ(jobs["submissions"][0]["arrays"].begin().value(),
              nlohmann::json::array({0, 1, 2, 3, 4, 5}));

    const auto local_rows = comparable_runs(dir / "local" / "out" / "results.sqlite");
    const auto array_rows = comparable_runs(out / "results.sqlite");
    EXPECT_EQ(local_rows.size(), 6u + 2u);  // 6 runs + 2 fidelity rows
    EXPECT_EQ(array_rows, local_rows);
    const auto local_md = comparable_report(dir / "local" / "out" / "report" / "report.md");
    EXPECT_NE(local_md.find("| tiny | Q4_K_M | few-shot:1 |"), std::string::npos) << local_md;
    EXPECT_EQ(comparable_report(out / "report" / "report.md"), local_md);

    const auto status = run_command(sweep(array_yaml, {"--slurm", "--status"}));
    ASSERT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("6 cells: 6 done, 0 running, 0 pending, 0 failed, 0 not submitted"),
              std::string::npos)
        << status.out;
}

TEST(SlurmSweep, CancelledArrayTaskResumesOnResubmitWithNothingDuplicated) {
    SKIP_WITHOUT_SLURM();
    const auto dir = make_temp_dir("slurm_cancel");
    constexpr std::size_t kLimit =
        200;  // the whole sample200 split: a cell long enough to cancel mid-way
    const auto yaml =
        write_yaml(dir / "cancel.yaml",
                   "quant_types: [f16]\ntasks: [pubmedqa]\nprompts: [zero-shot, 'few-shot:1']\n"
                   "limit: " +
                       std::to_string(kLimit) +
                       "\nctx: 1024\nparallel: 1\nbootstrap_resamples: 50\nfidelity: off\n");
    const auto runs = dir / "out" / "runs";
    const auto log0 = runs / "tiny-F16-zero-shot" / "samples.jsonl";
    const auto log1 = runs / "tiny-F16-few-shot-1" / "samples.jsonl";

    const auto submit = run_command(sweep(yaml, {"--slurm", "--max-concurrent", "1"}));
    ASSERT_EQ(submit.exit_code, 0) << submit.err;
    const std::string final1 = trimmed(submit.out);
    const auto jobs = read_json(dir / "out" / "slurm" / "jobs.json");
    const std::string array1 = jobs["submissions"][0]["arrays"].begin().key();

    // Cancel cell 0 once it has written a few examples (long before its 200th).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(600);
    while (count_lines(log0) < 3 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_GE(count_lines(log0), 3u) << "cell 0 did not start within 600 s";
    const auto cancel = run_command({tool("scancel"), array1 + "_0"}, 30);
    ASSERT_EQ(cancel.exit_code, 0) << cancel.err;
    ASSERT_TRUE(wait_for_jobs({array1, final1}, 900));
    const std::size_t kept = count_lines(log0);
    ASSERT_LT(kept, kLimit) << "cell 0 finished before the cancel landed";
    const std::string kept_text = read_text(log0);
    const std::string done_results = read_text(log1.parent_path() / "results.json");
    const std::string done_samples = read_text(log1);
    EXPECT_EQ(count_lines(log1), kLimit);
    EXPECT_EQ(job_state(final1), "FAILED");  // it ran (afterany) and named the missing cell

    const auto status = run_command(sweep(yaml, {"--slurm", "--status"}));
    ASSERT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("2 cells: 1 done, 0 running, 0 pending, 1 failed, 0 not submitted"),
              std::string::npos)
        << status.out;
    EXPECT_NE(status.out.find("CANCELLED"), std::string::npos) << status.out;

    const auto resubmit = run_command(sweep(yaml, {"--slurm", "--max-concurrent", "1"}));
    ASSERT_EQ(resubmit.exit_code, 0) << resubmit.err;
    EXPECT_NE(resubmit.err.find("2 cells: 1 finished, 0 queued or running, 1 to submit"),
              std::string::npos)
        << resubmit.err;
    const std::string final2 = trimmed(resubmit.out);
    ASSERT_TRUE(wait_for_jobs({final2}, 900));
    EXPECT_EQ(job_state(final2), "COMPLETED");
    const auto again = read_json(dir / "out" / "slurm" / "jobs.json")["submissions"];
    ASSERT_EQ(again.size(), 2u);
    ASSERT_EQ(again[1]["arrays"].size(), 1u);
    EXPECT_EQ(again[1]["arrays"].begin().value(),
              nlohmann::json::array({0}));  // only the missing cell (json({0}) is null under clang)
    EXPECT_TRUE(again[1]["prepare"].empty());

    // Every example of each cell exactly once; the cancelled cell kept what it had written.
    for (const auto& log : {log0, log1}) {
        const auto samples = read_samples(log.parent_path());
        EXPECT_EQ(samples.size(), kLimit) << log;
        std::set<std::string> ids;
        for (const auto& s : samples) ids.insert(s["id"].get<std::string>());
        EXPECT_EQ(ids.size(), samples.size()) << log << ": an example ran twice";
    }
    EXPECT_EQ(read_text(log0).substr(0, kept_text.size()), kept_text);
    EXPECT_EQ(read_text(log1), done_samples);  // the finished cell was not rerun
    EXPECT_EQ(read_text(log1.parent_path() / "results.json"), done_results);
    auto store = ResultStore::open(dir / "out" / "results.sqlite");
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(store->count_runs().value(), 2);
}

TEST(SlurmSweep, CellThatFitsNoNodeIsRefusedBeforeSubmission) {
    SKIP_WITHOUT_SLURM();
    const auto dir = make_temp_dir("slurm_misfit");
    // 1M tokens x 32 sequences of KV cache: 32 GiB on the tiny model; no test machine node has
    // that.
    const auto yaml =
        write_yaml(dir / "misfit.yaml",
                   "quant_types: [f16]\ntasks: [pubmedqa]\nlimit: 1\nctx: 1048576\nparallel: 32\n"
                   "fidelity: off\n");
    const auto refused = run_command(sweep(yaml, {"--slurm"}));
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(
        refused.err.find("1 job(s) cannot run on partition (default); nothing was submitted:\n"
                         "  tiny-F16-zero-shot: needs 3"),
        std::string::npos)
        << refused.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "out" / "slurm" / "jobs.json"));
    const auto queue = run_command({tool("squeue"), "-h", "-o", "%j"}, 30);
    EXPECT_EQ(queue.out.find("biomedq-misfit"), std::string::npos) << queue.out;
}

}  // namespace
}  // namespace biomedq::test
