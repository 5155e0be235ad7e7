// `--protocol chen2025` (issue 19): all 8 tasks from the published prompt files, their reply
// formats and metrics first; every run names its protocol, and compare/report refuse to rank runs
// of different protocols together.
#include "e2e/e2e_support.h"

namespace biomedq::test {
namespace {

bool have_published_data() {
    return std::filesystem::is_directory(shared_data_dir() / "protocols" / "chen2025") &&
           std::filesystem::is_directory(shared_data_dir() / "MedQA" / "5options");
}

std::vector<std::string> chen_args(const std::filesystem::path& out, const std::string& tasks,
                                   const std::string& prompt) {
    // One-shot prompts fit the tiny model's 2048-token context (eval_args' 1024 is replaced); 8
    // generated tokens keep the test short.
    auto args = eval_args(out, tasks, 2,
                          {"--protocol", "chen2025", "--prompt", prompt, "--max-tokens", "8"});
    *(std::find(args.begin(), args.end(), "--ctx") + 1) = "2048";
    return args;
}

std::string sample_prompt(const std::filesystem::path& run, const std::string& task) {
    for (const auto& s : read_samples(run)) {
        if (s["task"] == task) return s.value("prompt", std::string());
    }
    return "";
}

TEST(Chen2025ProtocolE2E, AllEightTasksRunFromThePublishedFiles) {
    if (!have_published_data())
        GTEST_SKIP() << "no published prompts or 5-option MedQA in " << shared_data_dir();
    const auto dir = make_temp_dir("chen2025");
    const auto run = dir / "chen";
    auto r = run_command(chen_args(run, "all", "few-shot:1"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto results = read_json(run / "results.json");
    EXPECT_EQ(results["protocol"], "chen2025");
    EXPECT_EQ(results["config"]["resolved"]["protocol"], "chen2025");
    const std::map<std::string, std::string> published_primary = {
        {"bc5cdr-chem", "ner_strict_f1_gold_sentences_only"},
        {"ncbi-disease", "ner_strict_f1_gold_sentences_only"},
        {"chemprot", "macro_f1_stray_classes"},
        {"ddi", "macro_f1_stray_classes"},
        {"hoc", "multilabel_macro_f1"},
        {"litcovid", "multilabel_macro_f1"},
        {"medqa", "accuracy"},
        {"pubmedqa", "accuracy"}};
    ASSERT_EQ(results["tasks"].size(), 8u) << results["tasks"].dump();
    for (const auto& [task, metric] : published_primary) {
        const auto& t = results["tasks"][task];
        EXPECT_EQ(t["protocol"], "chen2025") << task;
        EXPECT_EQ(t["primary_metric"], metric) << task;
        EXPECT_EQ(t["n_examples"], 2) << task;
        const std::string definition = t["metric_definitions"][metric].get<std::string>();
        EXPECT_FALSE(definition.empty()) << task;
        // The quirks are named as such; accuracy and multi-label macro-F1 are defined as biomedq's.
        if (metric.find("gold_sentences") != std::string::npos ||
            metric.find("stray") != std::string::npos) {
            EXPECT_NE(definition.find("as published (Chen et al. 2025"), std::string::npos) << task;
        }
        EXPECT_TRUE(t["metrics"][0].contains("published_name")) << task;
    }
    // Summary: the published metric first, biomedq's sound one beside it.
    EXPECT_NE(r.out.find("protocol: chen2025"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Macro F1 (as published)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("biomedq ner_strict_f1"), std::string::npos) << r.out;
    // The published one-shot prompts, read with LF line ends, the example in place of {Input}.
    for (const char* task : {"bc5cdr-chem", "ncbi-disease", "chemprot", "ddi", "hoc", "litcovid",
                             "medqa", "pubmedqa"}) {
        const std::string prompt = sample_prompt(run, task);
        EXPECT_FALSE(prompt.empty()) << task;
        EXPECT_EQ(prompt.find('\r'), std::string::npos) << task;
        EXPECT_EQ(prompt.find("{Input}"), std::string::npos) << task;
    }
    EXPECT_NE(sample_prompt(run, "bc5cdr-chem").find("Example-1 HTML:"), std::string::npos);
    EXPECT_NE(sample_prompt(run, "medqa").find("\nE. "), std::string::npos);  // 5 options
    EXPECT_NE(sample_prompt(run, "pubmedqa").find("? ['"),
              std::string::npos);  // contexts as a Python list
    expect_valid_run(run);

    // Rescoring reproduces the published metrics from the saved replies.
    auto rescored = run_command({biomedq_binary().string(), "rescore", run.string()});
    ASSERT_EQ(rescored.exit_code, 0) << rescored.err;
    EXPECT_EQ(read_json(run / "results.json")["tasks"], results["tasks"]);
    std::filesystem::remove_all(dir);
}

TEST(Chen2025ProtocolE2E, BiomedqOwnProtocolNamesTheLiteratureMetricsAndOffersMedqa5) {
    if (!have_published_data()) GTEST_SKIP() << "no 5-option MedQA in " << shared_data_dir();
    const auto dir = make_temp_dir("chen2025-own");
    auto r = run_command(eval_args(dir / "own", "pubmedqa,medqa5,ddi", 2, {"--max-tokens", "4"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto results = read_json(dir / "own" / "results.json");
    EXPECT_EQ(results["protocol"], "biomedq");
    EXPECT_FALSE(results["config"]["resolved"].contains("protocol"));  // old runs keep their hash
    EXPECT_NE(r.out.find("Accuracy (Chen et al. 2025)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Macro F1 (Chen et al. 2025)"), std::string::npos) << r.out;
    EXPECT_NE(sample_prompt(dir / "own", "medqa5").find("E. "), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(Chen2025ProtocolE2E, WhatThePaperDidNotPublishIsRefused) {
    const auto dir = make_temp_dir("chen2025-refused");
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--protocol", "chen2025", "--prompt", "cot"}, "--prompt cot is biomedq's own"},
        {{"--protocol", "chen2025", "--prompt", "few-shot:3"},
         "publishes no \"few-shot:3\" prompt"},
        {{"--protocol", "chen2025", "--constrained"}, "--constrained is biomedq's own"},
        {{"--protocol", "chen2025", "--mc-mode", "loglik"}, "--mc-mode loglik is biomedq's own"},
        {{"--protocol", "chen2026"}, "unknown protocol (did you mean \"chen2025\"?)"},
    };
    for (const auto& [extra, message] : cases) {
        auto r = run_command(eval_args(dir / "x", "medqa", 2, extra));
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    }
    std::filesystem::remove_all(dir);
}

TEST(Chen2025ProtocolE2E, RunsOfDifferentProtocolsAreNeverRankedTogether) {
    if (!have_published_data()) GTEST_SKIP() << "no published prompts in " << shared_data_dir();
    const auto dir = make_temp_dir("chen2025-mixed");
    ASSERT_EQ(run_command(eval_args(dir / "own", "pubmedqa", 2, {"--max-tokens", "4"})).exit_code,
              0);
    ASSERT_EQ(run_command(chen_args(dir / "chen", "pubmedqa", "zero-shot")).exit_code, 0);
    auto compare = run_command(
        {biomedq_binary().string(), "compare", (dir / "own").string(), (dir / "chen").string()});
    EXPECT_EQ(compare.exit_code, 2);
    EXPECT_NE(compare.err.find("follows protocol biomedq and " + (dir / "chen").string() +
                               " protocol chen2025: their scores are not comparable"),
              std::string::npos)
        << compare.err;

    const auto store = (dir / "results.sqlite").string();
    auto imported = run_command({biomedq_binary().string(), "import", (dir / "own").string(),
                                 (dir / "chen").string(), "--store", store});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    auto mixed =
        run_command({biomedq_binary().string(), "report", store, "-o", (dir / "report").string()});
    EXPECT_EQ(mixed.exit_code, 2);
    EXPECT_NE(mixed.err.find("the runs follow the protocols biomedq, chen2025"), std::string::npos)
        << mixed.err;
    auto mixed_recommend =
        run_command({biomedq_binary().string(), "recommend", store, "--gpu-memory", "24GiB"});
    EXPECT_EQ(mixed_recommend.exit_code, 2);
    auto one = run_command({biomedq_binary().string(), "report", store, "-o",
                            (dir / "report").string(), "--protocol", "chen2025"});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    std::ifstream md_in(dir / "report" / "report.md");
    const std::string md((std::istreambuf_iterator<char>(md_in)), {});
    EXPECT_NE(md.find("Protocol: chen2025 (the published prompts"), std::string::npos) << md;
    EXPECT_NE(md.find("Metric: accuracy (Accuracy (as published))"), std::string::npos) << md;
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace biomedq::test
