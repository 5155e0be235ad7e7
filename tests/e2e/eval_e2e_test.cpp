// `biomedq eval` end to end on the tiny synthetic model: every task, prompting methods, constrained
// output, log-likelihood scoring, schema validation, resume after SIGKILL, Ctrl-C, refusal of a
// changed configuration, and rescore reproducing results.json exactly.
#include <signal.h>

#include <chrono>
#include <thread>

#include "e2e/e2e_support.h"
#include "support/temp_dir_test.h"

namespace biomedq::test {
namespace {

const char* kAllTasks = "bc5cdr-chem,ncbi-disease,chemprot,ddi,hoc,litcovid,medqa,pubmedqa";

class EvalE2E : public SharedDataTest {
protected:
    EvalE2E() : SharedDataTest("eval-e2e") {}
};

TEST_F(EvalE2E, AllEightTasksConstrainedWriteAValidRun) {
    const auto run = dir_ / "run";
    auto r = run_command(eval_args(run, kAllTasks, 1, {"--constrained"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_valid_run(run);
    const auto results = read_json(run / "results.json");
    ASSERT_EQ(results["tasks"].size(), 8u);
    for (const auto& [name, t] : results["tasks"].items()) {
        EXPECT_EQ(t["n_examples"], 1) << name;
        EXPECT_TRUE(t["complete"].get<bool>()) << name;
        EXPECT_FALSE(t["metrics"].empty()) << name;
    }
    const auto samples = read_samples(run);
    ASSERT_EQ(samples.size(), 8u);
    for (const auto& s : samples) {
        // A grammar built from the label set cannot produce an unreadable label or letter.
        const std::string kind = results["tasks"][s["task"].get<std::string>()]["kind"];
        if (kind == "relation" || kind == "mcqa") {
            EXPECT_TRUE(s["parsed"]["valid"].get<bool>()) << s.dump();
        }
        EXPECT_EQ(s["mode"], "generate");
    }
    // The summary table is printed at the end.
    EXPECT_NE(r.out.find("pubmedqa"), std::string::npos);
    EXPECT_GT(results["speed"]["prompt_tokens_per_s"].get<double>(), 0.0);
    EXPECT_GT(results["memory"]["bytes_kv"].get<std::uint64_t>(), 0u);
    // The device runtime overhead (issue 15): per GPU, or 0 with the reason on a host without one.
    const auto& memory = results["memory"];
    if (memory["devices"].empty()) {
        EXPECT_EQ(memory["bytes_device_overhead"].get<std::uint64_t>(), 0u);
        EXPECT_NE(memory["device_overhead_reason"].get<std::string>().find("no GPU device"),
                  std::string::npos);
    } else {
        for (const auto& d : memory["devices"])
            EXPECT_TRUE(d.contains("bytes_device_overhead")) << d.dump();
        EXPECT_FALSE(memory.contains("device_overhead_reason"));
    }
}

TEST_F(EvalE2E, FewShotAndChainOfThoughtRun) {
    for (const std::string prompt : {"few-shot:2", "cot"}) {
        const auto run = dir_ / prompt.substr(0, 3);
        // CoT asks for up to 512 tokens per task; a random model rambles to the cap, so cap it
        // here.
        std::vector<std::string> extra = {"--prompt", prompt, "--max-tokens", "48"};
        if (prompt == "cot")
            extra.push_back("--constrained");  // free reasoning, constrained final answer
        auto r = run_command(eval_args(run, "ddi,hoc,medqa", 1, extra));
        ASSERT_EQ(r.exit_code, 0) << prompt << ": " << r.err;
        expect_valid_run(run);
        EXPECT_EQ(read_samples(run).size(), 3u);
        const auto results = read_json(run / "results.json");
        EXPECT_EQ(results["config"]["resolved"]["prompt"], prompt);
    }
}

TEST_F(EvalE2E, LoglikScoresEveryOption) {
    const auto run = dir_ / "loglik";
    auto r = run_command(eval_args(run, "medqa,pubmedqa", 2, {"--mc-mode", "loglik"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_valid_run(run);
    for (const auto& s : read_samples(run)) {
        EXPECT_EQ(s["mode"], "loglik");
        EXPECT_EQ(s["options"].size(), s["task"] == "medqa" ? 4u : 3u);
        EXPECT_TRUE(s["parsed"]["valid"].get<bool>());
        // The chosen answer is the option with the highest log-likelihood.
        double best = -1e300;
        std::string best_label;
        for (const auto& o : s["options"]) {
            if (o["logprob"].get<double>() > best) {
                best = o["logprob"];
                best_label = o["label"];
            }
        }
        EXPECT_EQ(s["parsed"]["labels"][0], best_label);
    }
}

TEST_F(EvalE2E, ResumesAfterSigkillWithEveryExampleExactlyOnceAndTheSameScores) {
    const auto killed = dir_ / "killed";
    // Enough work (90 examples, one at a time) that the kill lands mid-run.
    // A short answer cap keeps the 90 examples quick on a slow machine; the kill still lands
    // mid-run.
    const std::vector<std::string> short_answers = {"--max-tokens", "24"};
    const auto args = eval_args(killed, "pubmedqa,ddi,hoc", 30, short_answers, 1);
    const pid_t pid = spawn_command(args, (dir_ / "k.out").string(), (dir_ / "k.err").string());
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(wait_for_lines(killed / "samples.jsonl", 4, pid))
        << "the run ended before writing 4 samples";
    ::kill(pid, SIGKILL);
    EXPECT_EQ(wait_command(pid), 128 + SIGKILL);
    const std::size_t before = count_lines(killed / "samples.jsonl");
    ASSERT_GE(before, 4u);
    ASSERT_LT(before, 90u) << "the run finished before it could be killed";

    auto resumed = run_command(args);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    const auto samples = read_samples(killed);
    ASSERT_EQ(samples.size(), 90u);
    std::set<std::pair<std::string, std::string>> keys;
    for (const auto& s : samples) keys.emplace(s["task"], s["id"]);
    EXPECT_EQ(keys.size(), 90u) << "an example was duplicated";
    expect_valid_run(killed);

    const auto straight = dir_ / "straight";
    auto r = run_command(eval_args(straight, "pubmedqa,ddi,hoc", 30, short_answers, 4));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_json(killed / "results.json")["tasks"],
              read_json(straight / "results.json")["tasks"]);
    // The killed invocation never reached results.json; only the finishing one is recorded.
    EXPECT_EQ(read_json(killed / "results.json")["sessions"].size(), 1u);
}

TEST_F(EvalE2E, InterruptStopsCleanlyAndTheRunResumes) {
    const auto run = dir_ / "interrupted";
    const auto args = eval_args(run, "pubmedqa,hoc", 30, {"--max-tokens", "24"}, 1);
    const pid_t pid = spawn_command(args, (dir_ / "i.out").string(), (dir_ / "i.err").string());
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(wait_for_lines(run / "samples.jsonl", 2, pid))
        << "the run ended before writing 2 samples";
    ::kill(pid, SIGINT);
    EXPECT_EQ(wait_command(pid), 130);
    std::ifstream err(dir_ / "i.err");
    std::stringstream err_text;
    err_text << err.rdbuf();
    EXPECT_NE(err_text.str().find("rerun the same command to resume"), std::string::npos)
        << err_text.str();
    // Every line on disk is complete.
    for (const auto& s : read_samples(run)) EXPECT_TRUE(s.contains("parsed"));
    auto resumed = run_command(args);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_EQ(read_samples(run).size(), 60u);
}

TEST_F(EvalE2E, AQuantizedKvCacheShrinksTheCacheAndIsPartOfTheConfiguration) {
    const auto f16 = dir_ / "f16";
    const auto q8 = dir_ / "q8";
    ASSERT_EQ(run_command(eval_args(f16, "pubmedqa", 2)).exit_code, 0);
    auto r = run_command(eval_args(q8, "pubmedqa", 2, {"--kv-type", "q8_0"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_valid_run(q8);
    const auto a = read_json(f16 / "results.json");
    const auto b = read_json(q8 / "results.json");
    EXPECT_EQ(a["config"]["resolved"]["kv_type"], "f16");
    EXPECT_EQ(b["config"]["resolved"]["kv_type"], "q8_0");
    EXPECT_NE(a["config"]["hash"], b["config"]["hash"]);
    // q8_0 keeps 32 values in 34 bytes, f16 in 64 (the sizes come from llama.cpp's log, in 0.01
    // MiB).
    EXPECT_NEAR(b["memory"]["bytes_kv"].get<double>() / a["memory"]["bytes_kv"].get<double>(),
                34.0 / 64.0, 0.005);
    // The default stays out of config.json, so runs from before the option still resume.
    EXPECT_FALSE(read_json(f16 / "config.json").contains("kv_type"));
    auto resumed = run_command(eval_args(q8, "pubmedqa", 2, {"--kv-type", "q4_0"}));
    EXPECT_EQ(resumed.exit_code, 2);
    EXPECT_NE(resumed.err.find("kv_type"), std::string::npos) << resumed.err;
    auto typo = run_command(eval_args(dir_ / "typo", "pubmedqa", 1, {"--kv-type", "q8"}));
    EXPECT_NE(typo.exit_code, 0);
    EXPECT_NE(typo.err.find("--kv-type q8: not a KV cache type (did you mean \"q8_0\"?)"),
              std::string::npos)
        << typo.err;
}

TEST_F(EvalE2E, AChangedConfigurationIsRefusedInTheSameDirectory) {
    const auto run = dir_ / "run";
    ASSERT_EQ(run_command(eval_args(run, "pubmedqa", 1)).exit_code, 0);
    auto r = run_command(eval_args(run, "pubmedqa", 1, {"--seed", "99"}));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("different configuration"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("seed (was 1234, now 99)"), std::string::npos) << r.err;
    // Speed-only settings may change on resume.
    auto faster = run_command(eval_args(run, "pubmedqa", 1, {}, 2));
    EXPECT_EQ(faster.exit_code, 0) << faster.err;
}

TEST_F(EvalE2E, RescoreReproducesResultsJsonExactlyAndCompareFindsNoDifferenceWithItself) {
    const auto run = dir_ / "run";
    ASSERT_EQ(
        run_command(eval_args(run, "ddi,ncbi-disease,litcovid", 2, {"--constrained"})).exit_code,
        0);
    std::ifstream before_in(run / "results.json");
    const std::string before((std::istreambuf_iterator<char>(before_in)), {});
    auto r = run_command({biomedq_binary().string(), "rescore", run.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ifstream after_in(run / "results.json");
    const std::string after((std::istreambuf_iterator<char>(after_in)), {});
    EXPECT_EQ(before, after);

    auto cmp =
        run_command({biomedq_binary().string(), "compare", run.string(), run.string(), "--json"});
    ASSERT_EQ(cmp.exit_code, 0) << cmp.err;
    const auto j = nlohmann::json::parse(cmp.out);
    for (const auto& [task, t] : j["tasks"].items()) {
        EXPECT_EQ(t["agreement"], 1.0) << task;
        for (const auto& m : t["metrics"]) {
            EXPECT_EQ(m["difference"], 0.0);
            EXPECT_EQ(m["p_value"], 1.0);
        }
    }
}

TEST_F(EvalE2E, UnknownTaskGetsADidYouMean) {
    auto r = run_command(eval_args(dir_ / "x", "pubmedq", 1));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("did you mean \"pubmedqa\""), std::string::npos) << r.err;
}

}  // namespace
}  // namespace biomedq::test
