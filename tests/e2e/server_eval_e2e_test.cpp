// `biomedq eval --endpoint` end to end: two real llama-server processes on loopback serve the tiny
// model; the run through them gives the same greedy answers as the in-process backend.
#include <signal.h>

#include <map>

#include "backends/child_process.h"  // start_loopback_servers, kill_all
#include "e2e/e2e_support.h"
#include "support/temp_dir_test.h"

namespace biomedq::test {
namespace {

std::map<std::string, std::string> outputs(const std::filesystem::path& run) {
    std::map<std::string, std::string> out;
    for (const auto& s : read_samples(run))
        out[s["task"].get<std::string>() + "/" + s["id"].get<std::string>()] = s["raw_output"];
    return out;
}

class ServerEvalE2E : public SharedDataTest {
protected:
    ServerEvalE2E() : SharedDataTest("server-eval") {}
};

TEST_F(ServerEvalE2E, TwoLlamaServersGiveTheInProcessGreedyAnswers) {
    const auto servers = start_loopback_servers(
        2, "llama-server",
        {"-m", tiny_model_path().string(), "-c", "4096", "-np", "2", "-t", "1", "--host",
         "127.0.0.1", "--port", kPortArg},
        dir_, "server", std::chrono::seconds(60), std::chrono::milliseconds(100));
    ASSERT_EQ(servers.pids.size(), 2u) << "could not build llama-server";
    std::vector<std::string> endpoint_args;
    for (const int port : servers.ports) {
        endpoint_args.insert(endpoint_args.end(),
                             {"--endpoint", "http://127.0.0.1:" + std::to_string(port) + "/v1"});
    }
    // Completion mode: both sides render the same raw prompt (a server renders chat templates
    // itself).
    const std::vector<std::string> common = {"--tasks",   "ddi,medqa",    "--limit", "3",
                                             "--no-chat", "--max-tokens", "12",      "--bootstrap",
                                             "100",       "--quiet"};
    std::vector<std::string> local = {biomedq_binary().string(),
                                      "eval",
                                      "--model",
                                      tiny_model_path().string(),
                                      "--ctx",
                                      "1024",
                                      "--parallel",
                                      "2",
                                      "--out",
                                      (dir_ / "local").string()};
    local.insert(local.end(), common.begin(), common.end());
    std::vector<std::string> remote = {
        biomedq_binary().string(), "eval", "--endpoint-concurrency", "2", "--out",
        (dir_ / "remote").string()};
    remote.insert(remote.end(), endpoint_args.begin(), endpoint_args.end());
    remote.insert(remote.end(), common.begin(), common.end());

    auto r_local = run_command(local);
    // llama-server accepts connections before its model is loaded and answers 503 until then; the
    // backend waits for it (as it would for a user who starts servers and the run together).
    auto r_remote = run_command(remote, 300);
    kill_all(servers.pids);
    ASSERT_EQ(r_local.exit_code, 0) << r_local.err;
    ASSERT_EQ(r_remote.exit_code, 0) << r_remote.err;
    const auto a = outputs(dir_ / "local");
    const auto b = outputs(dir_ / "remote");
    ASSERT_EQ(a.size(), 6u);
    EXPECT_EQ(a, b);
    expect_valid_run(dir_ / "remote");
    const auto results = read_json(dir_ / "remote" / "results.json");
    EXPECT_NE(results["memory"]["source"].get<std::string>().find("server"), std::string::npos);
}

}  // namespace
}  // namespace biomedq::test
