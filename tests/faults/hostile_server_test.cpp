// The real binary against hostile loopback servers (issue 13, items 3, 4 and 5): an API key and
// URL credentials that a server echoes never reach any file of the run, the store, the report or
// the terminal, not even in part; a megabyte reply to an NER task does not hang the run; SIGTERM
// stops a run promptly (exit 143) and the rerun finishes with the scores of an uninterrupted run; a
// model whose general.name is 100,000 characters is read and run by `info` and `generate`.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include "backends/fake_http_server.h"
#include "faults_support.h"
#include "support/leaked.h"
#include "support/renamed_model.h"

namespace biomedq::test {
namespace {

const std::string kKey = "sk-e2e-hostile-9f8e7d6c5b4a-ZYXWVUT";
const std::string kPassword = "pw-e2e-hostile-112358";
const std::string kToken = "tok-e2e-hostile-132134";

// A reply in the shape the request asked for (chat or completion).
FakeReply answer(const FakeRequest& req, const std::string& text) {
    const bool chat = path_of(req) == "/v1/chat/completions";
    nlohmann::json choice = {{"index", 0}, {"finish_reason", "stop"}};
    if (chat)
        choice["message"] = {{"role", "assistant"}, {"content", text}};
    else
        choice["text"] = text;
    return {200, nlohmann::json{{"choices", {choice}},
                                {"usage", {{"prompt_tokens", 5}, {"completion_tokens", 2}}}}
                     .dump()};
}

// /props (llama-server), /v1/models, and generation by `generate`.
FakeHttpServer::Handler server(std::function<FakeReply(const FakeRequest&)> generate) {
    return [generate](const FakeRequest& req) -> FakeReply {
        if (path_of(req) == "/props")
            return {200, R"({"build_info":"b0-fake","default_generation_settings":{}})"};
        if (path_of(req) == "/v1/models") return {200, R"({"data":[{"id":"fake-model"}]})"};
        return generate(req);
    };
}

std::vector<std::string> server_eval_args(const std::string& url, const std::filesystem::path& out,
                                          const std::string& task, int limit) {
    return {biomedq_binary().string(),
            "eval",
            "--endpoint",
            url,
            "--tasks",
            task,
            "--limit",
            std::to_string(limit),
            "--endpoint-concurrency",
            "1",
            "--bootstrap",
            "50",
            "--data-dir",
            shared_data_dir().string(),
            "--out",
            out.string()};
}

// Every file under `dir`, concatenated (binary files too: the SQLite store).
std::string all_files(const std::filesystem::path& dir) {
    std::string all;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file()) all += read_text(entry.path()) + "\n";
    }
    return all;
}

using HostileServer = FaultTest;

TEST_F(HostileServer, EchoedKeyAndUrlCredentialsReachNoFileNoStoreNoReportNoTerminal) {
    std::atomic<int> n{0};
    FakeHttpServer fake(server([&](const FakeRequest& req) -> FakeReply {
        const std::string echo = authorization(req) + " to " + req.path;
        // Alternately: a normal answer that echoes the credentials, and a 400 whose body puts the
        // Bearer key across the 200-byte snippet cut (13 characters before it).
        if (n++ % 2 == 0) return answer(req, "Answer: yes (you sent " + echo + ")");
        return {400, std::string(200 - 13 - 22, 'x') + echo};
    }));
    const std::string url = "http://alice:" + kPassword +
                            "@127.0.0.1:" + std::to_string(fake.port()) + "/v1?token=" + kToken;
    ::setenv("BIOMEDQ_API_KEY", kKey.c_str(), 1);
    const auto run = dir_ / "run";
    const auto eval = run_command(server_eval_args(url, run, "pubmedqa", 4), 300);
    ::unsetenv("BIOMEDQ_API_KEY");
    ASSERT_TRUE(std::filesystem::exists(run / "samples.jsonl")) << eval.err;
    ASSERT_EQ(read_sample_lines(run / "samples.jsonl").size(), 4u) << eval.err;
    // The credentials were really used.
    const auto reqs = fake.requests();
    ASSERT_FALSE(reqs.empty());
    EXPECT_EQ(authorization(reqs.back()), "Authorization: Bearer " + kKey);
    EXPECT_NE(reqs.back().path.find("?token=" + kToken), std::string::npos);
    // The configuration names the endpoint, redacted.
    const std::string config = read_text(run / "config.json");
    EXPECT_NE(config.find("http://[redacted]@127.0.0.1:" + std::to_string(fake.port()) +
                          "/v1?token=[redacted]"),
              std::string::npos)
        << config;

    const auto store = dir_ / "results.sqlite";
    const auto imported =
        run_command({biomedq_binary().string(), "import", run.string(), "--store", store.string(),
                     "--model-name", "fake", "--quant-type", "q4_k_m"});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    const auto report = run_command(
        {biomedq_binary().string(), "report", store.string(), "-o", (dir_ / "report").string()});
    ASSERT_EQ(report.exit_code, 0) << report.err;
    const std::string everything = all_files(dir_) + eval.out + eval.err + imported.out +
                                   imported.err + report.out + report.err;
    // The password's Basic form, as curl sends it: base64("alice:" + kPassword).
    const std::string basic = "YWxpY2U6cHctZTJlLWhvc3RpbGUtMTEyMzU4";
    for (const std::string& secret : {kKey, kPassword, kToken, basic}) {
        EXPECT_EQ(leaked(everything, secret), "") << secret;
    }
}

TEST_F(HostileServer, AMegabyteReplyToAnNerTaskDoesNotHangTheRun) {
    const std::string megabyte(1 << 20, '[');
    FakeHttpServer fake(server([&](const FakeRequest& req) { return answer(req, megabyte); }));
    auto args = server_eval_args(fake.url(), dir_ / "run", "bc5cdr-chem", 2);
    args.insert(args.end(), {"--max-tokens", "4096"});  // a body cap that lets the megabyte in
    const auto t0 = std::chrono::steady_clock::now();
    const auto eval = run_command(args, 300);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_EQ(eval.exit_code, 0) << eval.err;
    EXPECT_LT(seconds, 120.0);  // wall time on a shared machine; it was over 10 minutes per reply
    const auto samples = read_sample_lines(dir_ / "run" / "samples.jsonl");
    ASSERT_EQ(samples.size(), 2u);
    for (const auto& s : samples) {
        EXPECT_EQ(s["raw_output"].get<std::string>(), std::string(4096 * 64, '['));
        EXPECT_EQ(s["finish"], "length");
        EXPECT_EQ(s["parsed"]["valid"], false) << s["parsed"].dump();
        EXPECT_EQ(s["error"], "reply of 1048576 bytes cut to 262144 (max_tokens 4096 x 64 bytes)");
    }
}

TEST_F(HostileServer, SigtermStopsPromptlyWith143AndTheRerunEqualsAnUninterruptedRun) {
    // A slow server whose answer depends only on the prompt.
    FakeHttpServer fake(server([&](const FakeRequest& req) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        return answer(req, std::hash<std::string>{}(req.body) % 2 ? "Answer: yes" : "Answer: no");
    }));
    constexpr int kLimit = 10;
    const auto straight =
        run_command(server_eval_args(fake.url(), dir_ / "straight", "pubmedqa", kLimit), 300);
    ASSERT_EQ(straight.exit_code, 0) << straight.err;

    const auto run = dir_ / "run";
    const auto args = server_eval_args(fake.url(), run, "pubmedqa", kLimit);
    const pid_t pid =
        spawn_command(args, (dir_ / "killed.out").string(), (dir_ / "killed.err").string());
    ASSERT_GT(pid, 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (complete_lines(run / "samples.jsonl") < 2 && !has_exited(pid) &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_FALSE(has_exited(pid)) << read_text(dir_ / "killed.err");
    ::kill(pid, SIGTERM);
    const auto t_term = std::chrono::steady_clock::now();
    while (!has_exited(pid) &&
           std::chrono::steady_clock::now() - t_term < std::chrono::seconds(20)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const double stop_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t_term).count();
    if (!has_exited(pid)) ::kill(pid, SIGKILL);
    const int code = wait_command(pid);
    EXPECT_EQ(code, 143) << read_text(dir_ / "killed.err");
    EXPECT_LT(stop_s,
              10.0);  // the request in flight (250 ms) and the flush, not the rest of the run
    const std::size_t kept = read_sample_lines(run / "samples.jsonl").size();
    EXPECT_GE(kept, 2u);
    EXPECT_LT(kept, static_cast<std::size_t>(kLimit));

    const auto resumed = run_command(args, 300);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    const auto samples = read_sample_lines(run / "samples.jsonl");
    std::set<std::string> ids;
    for (const auto& s : samples) ids.insert(s["id"].get<std::string>());
    EXPECT_EQ(samples.size(), static_cast<std::size_t>(kLimit));
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(kLimit));
    const auto a = read_json_file(dir_ / "straight" / "results.json")["tasks"];
    const auto b = read_json_file(run / "results.json")["tasks"];
    EXPECT_EQ(a, b);
}

// Not a server's doing, and no data set needed: its own suite, without FaultTest's skip.
TEST(HostileModelFile, AHundredThousandCharacterModelNameIsReadAndRunByTheCli) {
    const auto dir = make_temp_dir("faults_long_name");
    const auto model = dir / "long-name.gguf";
    // The shape that crashed `generate` (exit 139): ": " then 100,000 characters without a space.
    ASSERT_TRUE(write_renamed_model(tiny_model_path(), "x: " + std::string(100000, 'n'), model));
    const auto info =
        run_command({biomedq_binary().string(), "info", model.string(), "--ctx", "256"}, 120);
    EXPECT_EQ(info.exit_code, 0) << info.err.substr(0, 500);
    const auto generate = run_command({biomedq_binary().string(), "generate", model.string(),
                                       "--prompt", "Aspirin inhibits", "--max-tokens", "2"},
                                      120);
    EXPECT_EQ(generate.exit_code, 0) << generate.err.substr(0, 500);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace biomedq::test
