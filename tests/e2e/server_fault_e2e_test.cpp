// `biomedq eval --endpoint` and `biomedq rescore` when things go wrong (issue 13, items 1 and 7),
// with loopback fake OpenAI servers (no model, so each run takes about a second):
// - a transport failure is never an answer: servers that die mid-run stop the run (non-zero exit,
//   results.json complete: false, nothing recorded for the unanswered examples) and a rerun
//   finishes exactly those; requests that keep failing are not recorded either;
// - samples.jsonl is checked on load: a malformed record is an error naming file, line and field, a
//   repeated record is scored once, a foreign one not at all, a cut-off last line is reported, and
//   all of it is recorded in results.json "repairs".
#include <atomic>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>

#include "backends/fake_http_server.h"
#include "e2e/e2e_support.h"
#include "support/temp_dir_test.h"

namespace biomedq::test {
namespace {

FakeReply llama_props() {
    return {200, R"({"build_info":"b0-fake","default_generation_settings":{}})"};
}

FakeReply yes_reply() {
    return {200, R"({"choices":[{"text":"yes","index":0,"finish_reason":"stop"}],)"
                 R"("usage":{"prompt_tokens":9,"completion_tokens":1}})"};
}

// A llama-server that is up: every completion is "yes".
FakeReply healthy_reply(const FakeRequest& req) {
    return req.path == "/props" ? llama_props() : yes_reply();
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

class ServerFaultE2E : public SharedDataTest {
protected:
    ServerFaultE2E() : SharedDataTest("server-fault") {}
    static std::vector<std::string> eval(const std::string& url, const std::filesystem::path& out,
                                         int limit, int concurrency = 1) {
        return {biomedq_binary().string(),
                "eval",
                "--endpoint",
                url,
                "--model-name",
                "fake",
                "--tasks",
                "pubmedqa",
                "--limit",
                std::to_string(limit),
                "--no-chat",
                "--endpoint-concurrency",
                std::to_string(concurrency),
                "--endpoint-outage-timeout",
                "1",
                "--bootstrap",
                "50",
                "--quiet",
                "--out",
                out.string()};
    }
    // Reruns `run` (`limit` examples) against a server that answers everything: the run must finish
    // and say `summary`; `completions`, when given, is how many completion requests it must send.
    static void rerun_healthy(const std::filesystem::path& run, int limit,
                              const std::string& summary,
                              std::optional<int> completions = std::nullopt) {
        FakeHttpServer healthy(healthy_reply);
        auto rerun = run_command(eval(healthy.url(), run, limit), 60);
        ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
        EXPECT_NE(rerun.err.find(summary), std::string::npos) << rerun.err;
        if (completions) {
            EXPECT_EQ(healthy.count("/v1/completions"), *completions);
        }
    }
    static std::vector<std::string> rescore(const std::filesystem::path& run) {
        return {biomedq_binary().string(), "rescore", run.string()};
    }
};

TEST_F(ServerFaultE2E, EveryEndpointDyingMidRunStopsTheRunAndARerunFinishesExactlyTheRest) {
    // Answers three examples, hangs up on the fourth and from then on refuses connections.
    std::atomic<int> posts{0};
    std::atomic<FakeHttpServer*> self{nullptr};
    FakeHttpServer dying([&](const FakeRequest& req) -> FakeReply {
        if (req.path == "/props") return llama_props();
        if (posts++ < 3) return yes_reply();
        self.load()->refuse_connections();
        FakeReply hang_up;
        hang_up.close_without_reply = true;
        return hang_up;
    });
    self = &dying;
    const auto run = dir_ / "run";
    const auto start = std::chrono::steady_clock::now();
    auto first = run_command(eval(dying.url(), run, 6), 60);
    const double took_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(first.exit_code, 1) << first.err;
    EXPECT_NE(
        first.err.find(
            "biomedq: error: no endpoint has been reachable for 1 s (--endpoint-outage-timeout); "
            "last error: " +
            dying.url() + "/completions: "),
        std::string::npos)
        << first.err;
    EXPECT_NE(
        first.err.find(
            "; 3 of 6 examples have an answer, 3 have none and nothing was recorded for them; " +
            run.string() +
            "/results.json is marked incomplete: rerun the same command to run the "
            "missing ones"),
        std::string::npos)
        << first.err;
    EXPECT_LT(took_s, 30.0);
    const auto partial = read_samples(run);
    ASSERT_EQ(partial.size(), 3u);
    for (const auto& s : partial) {
        EXPECT_EQ(s["finish"], "eos") << s.dump();
        EXPECT_EQ(s["raw_output"], "yes");
    }
    auto results = read_json(run / "results.json");
    EXPECT_FALSE(results["complete"].get<bool>());
    EXPECT_EQ(results["tasks"]["pubmedqa"]["n_examples"], 3);
    EXPECT_EQ(results["tasks"]["pubmedqa"]["n_selected"], 6);
    EXPECT_EQ(results["tasks"]["pubmedqa"]["n_invalid"], 0);
    EXPECT_FALSE(results["tasks"]["pubmedqa"]["complete"].get<bool>());
    EXPECT_EQ(results["sessions"].back()["n_examples_run"], 3);
    expect_valid_run(run);

    ASSERT_NO_FATAL_FAILURE(rerun_healthy(run, 6, "6 examples (3 resumed, 3 run)", 3));
    const auto samples = read_samples(run);
    ASSERT_EQ(samples.size(), 6u);
    std::set<std::string> ids;
    for (const auto& s : samples) ids.insert(s["id"].get<std::string>());
    EXPECT_EQ(ids.size(), 6u) << "an example was answered twice";
    results = read_json(run / "results.json");
    EXPECT_TRUE(results["complete"].get<bool>());
    EXPECT_EQ(results["tasks"]["pubmedqa"]["n_examples"], 6);
    EXPECT_EQ(results["tasks"]["pubmedqa"]["n_invalid"], 0);
    expect_valid_run(run);
}

TEST_F(ServerFaultE2E, AnExampleWhoseRequestsKeepFailingIsNotRecordedAndARerunAnswersIt) {
    // Every request with the first prompt seen gets HTTP 500; the others are answered.
    std::mutex m;
    std::string poisoned;
    FakeHttpServer flaky([&](const FakeRequest& req) -> FakeReply {
        if (req.path == "/props") return llama_props();
        const std::string prompt = nlohmann::json::parse(req.body)["prompt"];
        std::lock_guard lock(m);
        if (poisoned.empty()) poisoned = prompt;
        if (prompt == poisoned) return {500, R"({"error":"internal"})"};
        return yes_reply();
    });
    const auto run = dir_ / "run";
    auto first = run_command(eval(flaky.url(), run, 3), 60);
    EXPECT_EQ(first.exit_code, 1) << first.err;
    EXPECT_NE(
        first.err.find(
            "biomedq: error: 1 example got no answer (last error: " + flaky.url() +
            "/completions: HTTP 500: {\"error\":\"internal\"} (gave up after 5 attempts)); 2 of 3 "
            "examples have an answer, 1 have none"),
        std::string::npos)
        << first.err;
    EXPECT_EQ(read_samples(run).size(), 2u);
    auto results = read_json(run / "results.json");
    EXPECT_FALSE(results["complete"].get<bool>());
    EXPECT_EQ(results["tasks"]["pubmedqa"]["n_examples"], 2);
    EXPECT_EQ(results["tasks"]["pubmedqa"]["n_invalid"], 0)
        << "a server error was scored as an invalid answer";
    EXPECT_EQ(results["sessions"].back()["n_examples_unanswered"], 1);
    expect_valid_run(run);

    ASSERT_NO_FATAL_FAILURE(rerun_healthy(run, 3, "3 examples (2 resumed, 1 run)"));
    EXPECT_TRUE(read_json(run / "results.json")["complete"].get<bool>());
}

// Item 7: the sample log of a finished 4-example run, then damaged in one way per case.
class SampleLogRepairE2E : public ServerFaultE2E {
protected:
    void SetUp() override {
        ServerFaultE2E::SetUp();
        if (IsSkipped()) return;
        server_ = std::make_unique<FakeHttpServer>(healthy_reply);
        base_ = dir_ / "base";
        auto r = run_command(eval(server_->url(), base_, 4), 60);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        lines_ = read_lines(base_ / "samples.jsonl");
        ASSERT_EQ(lines_.size(), 4u);
    }
    std::filesystem::path copy_of_base(const std::string& name) {
        const auto run = dir_ / name;
        std::filesystem::copy(base_, run, std::filesystem::copy_options::recursive);
        return run;
    }
    static std::vector<std::string> read_lines(const std::filesystem::path& path) {
        std::vector<std::string> out;
        std::ifstream in(path);
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    }
    static void append(const std::filesystem::path& run, const std::string& text) {
        std::ofstream(run / "samples.jsonl", std::ios::app | std::ios::binary) << text;
    }
    // eval and rescore both refuse `run`: exit code 2, and exactly `message` on stderr.
    void expect_both_refuse(const std::filesystem::path& run, const std::string& message) {
        for (const auto& args : {eval(server_->url(), run, 4), rescore(run)}) {
            auto r = run_command(args, 60);
            EXPECT_EQ(r.exit_code, 2) << args[1];
            EXPECT_EQ(r.err, message) << args[1];
        }
    }
    // Appends line `line` of the base log, changed by `edit`.
    void append_edited(const std::filesystem::path& run, std::size_t line,
                       const std::function<void(nlohmann::json&)>& edit) const {
        auto record = nlohmann::json::parse(lines_[line]);
        edit(record);
        append(run, record.dump() + "\n");
    }
    std::string id_of(std::size_t line) const { return nlohmann::json::parse(lines_[line])["id"]; }
    std::unique_ptr<FakeHttpServer> server_;
    std::filesystem::path base_;
    std::vector<std::string> lines_;
};

TEST_F(SampleLogRepairE2E, ARecordAppendedTwiceIsScoredOnceOnResumeAndRescore) {
    const auto run = copy_of_base("dup");
    append(run, lines_[1] + "\n");
    const std::string note = "biomedq: note: " + (run / "samples.jsonl").string() +
                             ": 1 duplicate record not scored again: pubmedqa/" + id_of(1) +
                             " (line 5 repeats line 2)\n";
    const nlohmann::json dropped = {
        {{"task", "pubmedqa"}, {"id", id_of(1)}, {"line", 5}, {"kept_line", 2}}};
    auto resumed = run_command(eval(server_->url(), run, 4), 60);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_NE(resumed.err.find(note), std::string::npos) << resumed.err;
    EXPECT_NE(resumed.err.find("4 examples (4 resumed, 0 run)"), std::string::npos) << resumed.err;
    auto results = read_json(run / "results.json");
    EXPECT_EQ(results["tasks"]["pubmedqa"]["n_examples"], 4);  // was 5 of 4 selected
    EXPECT_TRUE(results["complete"].get<bool>());
    EXPECT_EQ(results["repairs"]["duplicates_dropped"], dropped);
    expect_valid_run(run);

    auto rescored = run_command(rescore(run), 60);
    ASSERT_EQ(rescored.exit_code, 0) << rescored.err;
    EXPECT_NE(rescored.err.find(note), std::string::npos) << rescored.err;
    EXPECT_NE(rescored.err.find("biomedq: 4 examples rescored"), std::string::npos) << rescored.err;
    results = read_json(run / "results.json");
    EXPECT_EQ(results["tasks"]["pubmedqa"]["n_examples"], 4);
    EXPECT_EQ(results["repairs"]["duplicates_dropped"], dropped);
    EXPECT_EQ(read_lines(run / "samples.jsonl").size(), 5u) << "rescore deletes no record";
}

TEST_F(SampleLogRepairE2E, TwoDifferentRecordsForOneExampleAreRefused) {
    const auto run = copy_of_base("conflict");
    append_edited(run, 2, [](nlohmann::json& j) { j["raw_output"] = "no"; });
    const std::string message =
        "biomedq: error: " + (run / "samples.jsonl").string() +
        ": lines 3 and 5 are two different records for pubmedqa/" + id_of(2) +
        "; an example is scored once, so delete the wrong line (or both, to run it again) "
        "and rerun\n";
    expect_both_refuse(run, message);
}

TEST_F(SampleLogRepairE2E, ARecordWithANumericIdIsAnErrorNamingTheLineNotACrash) {
    const auto run = copy_of_base("numeric");
    std::string text;
    for (std::size_t i = 0; i < lines_.size(); ++i) {
        auto j = nlohmann::json::parse(lines_[i]);
        if (i == 2) j["id"] = 12345;
        text += j.dump() + "\n";
    }
    std::ofstream(run / "samples.jsonl", std::ios::binary | std::ios::trunc) << text;
    const std::string message =
        "biomedq: error: " + (run / "samples.jsonl").string() +
        ": line 3: not a valid sample record (the run directory is damaged; fix or delete "
        "that line): field \"id\": expected a non-empty string, got 12345\n";
    expect_both_refuse(run, message);  // eval's exit code was 134 (an uncaught exception)
    EXPECT_EQ(read_text(run / "samples.jsonl"), text) << "a damaged log is left as it was";
}

TEST_F(SampleLogRepairE2E, ARecordOfAnUnselectedExampleIsReportedAndNotScored) {
    const auto run = copy_of_base("foreign");
    append_edited(run, 0, [](nlohmann::json& j) { j["id"] = "not-in-this-run"; });
    const std::string note =
        "biomedq: note: " + (run / "samples.jsonl").string() +
        ": 1 record for examples this run does not select, not scored: pubmedqa/not-in-this-run "
        "(line 5)\n";
    const nlohmann::json ignored = {{{"task", "pubmedqa"}, {"id", "not-in-this-run"}, {"line", 5}}};
    for (const auto& args : {eval(server_->url(), run, 4), rescore(run)}) {
        auto r = run_command(args, 60);
        ASSERT_EQ(r.exit_code, 0) << args[1] << ": " << r.err;  // rescore used to refuse the run
        EXPECT_NE(r.err.find(note), std::string::npos) << r.err;
        const auto results = read_json(run / "results.json");
        EXPECT_EQ(results["tasks"]["pubmedqa"]["n_examples"], 4) << args[1];
        EXPECT_EQ(results["repairs"]["foreign_ignored"], ignored) << args[1];
    }
    expect_valid_run(run);
}

TEST_F(SampleLogRepairE2E, APartialLastLineIsDroppedReportedAndRecorded) {
    const auto run = copy_of_base("partial");
    const std::string cut = lines_[3].substr(0, 40);
    // Resume: the partial line is cut off the log before the run appends to it.
    append(run, cut);
    auto resumed = run_command(eval(server_->url(), run, 4), 60);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    const std::string note =
        "biomedq: note: " + (run / "samples.jsonl").string() +
        ": dropped a partial last line (40 bytes: a record cut off when a run stopped "
        "mid-write); its example is not scored until it runs again\n";
    EXPECT_NE(resumed.err.find(note), std::string::npos) << resumed.err;
    EXPECT_EQ(read_json(run / "results.json")["repairs"]["partial_last_line_bytes"], 40);
    EXPECT_EQ(read_lines(run / "samples.jsonl"), lines_);
    // Rescore: it rewrites the log without the partial line, and results.json adds it up.
    append(run, cut);
    auto rescored = run_command(rescore(run), 60);
    ASSERT_EQ(rescored.exit_code, 0) << rescored.err;
    EXPECT_NE(rescored.err.find(note), std::string::npos) << rescored.err;
    const auto results = read_json(run / "results.json");
    EXPECT_EQ(results["repairs"]["partial_last_line_bytes"], 80);
    EXPECT_EQ(results["tasks"]["pubmedqa"]["n_examples"], 4);
    EXPECT_EQ(read_lines(run / "samples.jsonl"), lines_);
    expect_valid_run(run);
}

}  // namespace
}  // namespace biomedq::test
