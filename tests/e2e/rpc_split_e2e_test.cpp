// A model split over two devices, end to end without a GPU: two llama.cpp rpc-servers on loopback
// hold the tiny model's layers; `eval --rpc` runs it, `import` stores memory per device and
// `report` shows what each device holds (the same path a 70B model split over two GPUs takes).
#include <signal.h>

#include "backends/child_process.h"  // start_loopback_servers, kill_all
#include "e2e/e2e_support.h"
#include "support/temp_dir_test.h"

namespace biomedq::test {
namespace {

class RpcSplitE2E : public SharedDataTest {
protected:
    RpcSplitE2E() : SharedDataTest("rpc-split") {}
};

TEST_F(RpcSplitE2E, TwoRpcServersShareTheModelAndTheReportShowsEach) {
    const auto servers = start_loopback_servers(
        2, "ggml-rpc-server", {"-H", "127.0.0.1", "-p", kPortArg, "-t", "1"}, dir_, "rpc",
        std::chrono::seconds(30), std::chrono::milliseconds(50));
    ASSERT_EQ(servers.pids.size(), 2u) << "could not build ggml-rpc-server";
    std::string rpc;
    for (const int port : servers.ports)
        rpc += (rpc.empty() ? "" : ",") + std::string("127.0.0.1:") + std::to_string(port);
    const auto run = dir_ / "run";
    auto eval = run_command(eval_args(run, "pubmedqa", 2, {"--rpc", rpc, "--gpu-layers", "-1"}, 1));
    auto imported = run_command({biomedq_binary().string(), "import", run.string(), "--store",
                                 (dir_ / "results.sqlite").string()});
    auto report =
        run_command({biomedq_binary().string(), "report", (dir_ / "results.sqlite").string(), "-o",
                     (dir_ / "report").string()});
    kill_all(servers.pids);
    ASSERT_EQ(eval.exit_code, 0) << eval.err;
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    ASSERT_EQ(report.exit_code, 0) << report.err;

    // llama.cpp names each RPC device after its server; both hold weights.
    int rpc_buffers_with_weights = 0;
    const auto results = read_json(run / "results.json");
    for (const auto& b : results["memory"]["buffers"]) {
        if (b["buffer"].get<std::string>().rfind("RPC", 0) == 0 &&
            b["bytes_weights"].get<std::uint64_t>() > 0) {
            ++rpc_buffers_with_weights;
        }
    }
    EXPECT_EQ(rpc_buffers_with_weights, 2);
    std::ifstream in(dir_ / "report" / "report.md");
    const std::string md((std::istreambuf_iterator<char>(in)), {});
    const auto section = md.find("## Memory per device");
    ASSERT_NE(section, std::string::npos) << md;
    std::size_t rows = 0;
    for (auto p = md.find("| RPC", section); p != std::string::npos; p = md.find("| RPC", p + 1))
        ++rows;
    EXPECT_EQ(rows, 2u) << md.substr(section);
}

}  // namespace
}  // namespace biomedq::test
