// Test helpers: real llama.cpp server processes on loopback (random free ports, always killed), the
// build script that makes sure their binaries exist, and a free-port finder.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "support/paths.h"
#include "support/run_command.h"

namespace biomedq::test {

// A port nobody listens on right now (the kernel's choice for an ephemeral bind).
inline int free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

inline bool port_accepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    return ok;
}

// Polls every `poll` until 127.0.0.1:`port` accepts a connection or `timeout` has passed (a server
// still starting); returns whether it accepts.
inline bool wait_for_port(int port, std::chrono::milliseconds timeout,
                          std::chrono::milliseconds poll) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!port_accepts(port) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(poll);
    }
    return port_accepts(port);
}

// SIGKILLs and reaps each of these children (servers a test started with spawn_command).
inline void kill_all(const std::vector<pid_t>& pids) {
    for (const pid_t pid : pids) {
        ::kill(pid, SIGKILL);
        wait_command(pid);
    }
}

// Builds (once per machine; cached) the named llama.cpp tools with scripts/build-llama.sh, as CI on
// a fresh machine needs. Returns false when the script fails.
inline bool ensure_llama_tools(const std::vector<std::string>& targets) {
    std::string cmd = source_dir().string() + "/scripts/build-llama.sh cpu";
    for (const auto& t : targets) cmd += " " + t;
    cmd += " >/dev/null";
    return std::system(cmd.c_str()) == 0;
}

// Servers a test started with start_loopback_servers: their processes and ports, in start order.
struct LoopbackServers {
    std::vector<pid_t> pids;
    std::vector<int> ports;
};

// Stands for the port in start_loopback_servers' arguments.
inline constexpr const char* kPortArg = "<port>";

// Builds the llama.cpp tool `tool` (ensure_llama_tools), then starts `n` processes of it, one at a
// time, each with `args` (kPortArg replaced by a free loopback port), and waits up to `timeout`
// (polling every `poll`) for each to accept connections. Their output goes to
// `dir`/<log_name><i>.log and .err. None start when the build fails. The caller kills them
// (kill_all).
inline LoopbackServers start_loopback_servers(int n, const std::string& tool,
                                              const std::vector<std::string>& args,
                                              const std::filesystem::path& dir,
                                              const std::string& log_name,
                                              std::chrono::milliseconds timeout,
                                              std::chrono::milliseconds poll) {
    LoopbackServers servers;
    if (!ensure_llama_tools({tool})) return servers;
    for (int i = 0; i < n; ++i) {
        const int port = free_loopback_port();
        std::vector<std::string> argv = {(llama_bin_dir() / tool).string()};
        for (const auto& arg : args) argv.push_back(arg == kPortArg ? std::to_string(port) : arg);
        const std::string log = (dir / (log_name + std::to_string(i))).string();
        servers.pids.push_back(spawn_command(argv, log + ".log", log + ".err"));
        wait_for_port(port, timeout, poll);
        servers.ports.push_back(port);
    }
    return servers;
}

// A child process killed (SIGKILL) and reaped when this object goes away. Output goes to `log`.
class ChildProcess {
public:
    ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log) {
        pid_ = ::fork();
        if (pid_ == 0) {
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                ::dup2(fd, 1);
                ::dup2(fd, 2);
            }
            std::vector<char*> args;
            for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
    }
    ~ChildProcess() { kill(); }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    void kill() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }
    bool running() const { return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }

private:
    pid_t pid_ = -1;
};

}  // namespace biomedq::test
