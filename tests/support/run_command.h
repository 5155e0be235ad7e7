// Runs a command (the built biomedq binary, in end-to-end tests) and captures its output and exit
// code.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace biomedq::test {

struct CommandOutput {
    int exit_code = -1;  // 128+signal when killed
    std::string out;
    std::string err;
};

// Runs argv[0] with arguments and waits (up to timeout_s, then SIGKILL).
CommandOutput run_command(const std::vector<std::string>& argv, int timeout_s = 600);

// Starts a command in the background with stdout/stderr to files; returns its pid.
pid_t spawn_command(const std::vector<std::string>& argv, const std::string& out_file,
                    const std::string& err_file);

// Waits for a spawned pid; returns the exit code (128+signal when killed).
int wait_command(pid_t pid);

}  // namespace biomedq::test
