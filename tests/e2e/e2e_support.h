// Helpers for whole-command tests: run the built biomedq binary on the tiny model and read its
// files.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/eval_command.h"
#include "support/paths.h"
#include "support/run_command.h"
#include "support/tiny_model.h"

namespace biomedq::test {

inline std::vector<std::string> eval_args(const std::filesystem::path& out,
                                          const std::string& tasks, int limit,
                                          std::vector<std::string> extra = {}, int parallel = 4) {
    auto args = eval_command(tiny_model_path(), out, tasks, limit, parallel, 200);
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

inline nlohmann::json read_json(const std::filesystem::path& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

inline std::vector<nlohmann::json> read_samples(const std::filesystem::path& run) {
    std::vector<nlohmann::json> out;
    std::ifstream in(run / "samples.jsonl");
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    }
    return out;
}

// Polls until `file` has at least `n` lines or the process `pid` exited (returns false then).
inline bool wait_for_lines(const std::filesystem::path& file, std::size_t n, pid_t pid,
                           int timeout_s = 300);

inline std::size_t count_lines(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::size_t n = 0;
    std::string line;
    while (std::getline(in, line)) ++n;
    return n;
}

inline bool wait_for_lines(const std::filesystem::path& file, std::size_t n, pid_t pid,
                           int timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
        if (count_lines(file) >= n) return true;
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

// Schema validation with Debian's python3-jsonschema (scripts/validate-run.py).
inline void expect_valid_run(const std::filesystem::path& run) {
    const auto script = source_dir() / "scripts" / "validate-run.py";
    auto r = run_command({"/usr/bin/python3", script.string(), run.string()}, 120);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace biomedq::test
