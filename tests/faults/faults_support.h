// Helpers for the fault-injection tests: run the real biomedq binary under injected faults (a file
// size limit, SIGKILL) and read what it left on disk.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/paths.h"
#include "support/run_command.h"
#include "support/tiny_model.h"

namespace biomedq::test {

inline bool have_shared_data() { return std::filesystem::exists(shared_data_dir() / "README.md"); }

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
    return {biomedq_binary().string(),
            "eval",
            "--model",
            model.string(),
            "--tasks",
            tasks,
            "--limit",
            std::to_string(limit),
            "--ctx",
            "1024",
            "--parallel",
            "1",
            "--bootstrap",
            "50",
            "--out",
            out.string()};
}

}  // namespace biomedq::test
