// Helpers for the fault-injection tests: run the real biomedq binary under injected faults (a file
// size limit, SIGKILL) and read what it left on disk.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/eval_command.h"
#include "support/paths.h"
#include "support/run_command.h"
#include "support/temp_dir_test.h"
#include "support/tiny_model.h"

namespace biomedq::test {

// A fault test: skipped without the shared data sets, with a fresh temporary folder (dir_), kept
// when the test fails. Each suite is an alias of it (using ModelChangedFaults = FaultTest;).
class FaultTest : public SharedDataTest {
protected:
    FaultTest() : SharedDataTest("faults") {}
};

inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs argv with RLIMIT_FSIZE = max_file_bytes and SIGXFSZ ignored, so a write past the limit fails
// with EFBIG (what a full disk looks like to the writer) instead of killing the process.
inline CommandOutput run_with_file_size_limit(const std::vector<std::string>& argv,
                                              rlim_t max_file_bytes,
                                              const std::filesystem::path& scratch) {
    const auto out_path = scratch / "limited.out";
    const auto err_path = scratch / "limited.err";
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::signal(SIGXFSZ, SIG_IGN);  // an ignored disposition survives exec
        const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(out, 1);
        ::dup2(err, 2);
        // The limit comes after the redirection files exist; stderr stays small (one message).
        const rlimit limit{max_file_bytes, max_file_bytes};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    CommandOutput result;
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = read_text(out_path);
    result.err = read_text(err_path);
    return result;
}

// True once the child ended; it is left unreaped for wait_command.
inline bool has_exited(pid_t pid) {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == pid;
}

// The newline-ended lines of `file` so far (a line still being written has no newline yet).
inline std::size_t complete_lines(const std::filesystem::path& file) {
    const std::string text = read_text(file);
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

inline std::vector<nlohmann::json> read_sample_lines(const std::filesystem::path& file) {
    std::vector<nlohmann::json> out;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    }
    return out;
}

inline nlohmann::json read_json_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

inline std::vector<std::string> tiny_eval_args(const std::filesystem::path& model,
                                               const std::filesystem::path& out,
                                               const std::string& tasks, int limit) {
    return eval_command(model, out, tasks, limit, 1, 50);
}

}  // namespace biomedq::test
