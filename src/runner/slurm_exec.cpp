// The Slurm client commands (sbatch, squeue, sinfo, sacct, scontrol, scancel) as child processes
// with captured output and a deadline.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "biomedq/slurm.h"

extern char** environ;

namespace biomedq {
namespace {

struct Pipe {
    int fd[2] = {-1, -1};
    ~Pipe() {
        for (int f : fd) {
            if (f >= 0) ::close(f);
        }
    }
    void close_end(int i) {
        if (fd[i] >= 0) ::close(fd[i]);
        fd[i] = -1;
    }
};

Result<ExecOutput> run_process(const std::vector<std::string>& argv, int timeout_s) {
    if (argv.empty()) return make_error(ErrorCode::kInternal, "run_process: empty command");
    Pipe out, err;
    if (::pipe2(out.fd, O_CLOEXEC) != 0 || ::pipe2(err.fd, O_CLOEXEC) != 0) {
        return make_error(ErrorCode::kIo, std::string("pipe: ") + std::strerror(errno));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // No stdin: a command that asks for input must not wait for it.
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out.fd[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err.fd[1], STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        ExecOutput missing;
        missing.exit_code = 127;
        missing.err = argv[0] + ": " + std::strerror(rc);
        return missing;
    }
    out.close_end(1);
    err.close_end(1);

    // Both outputs are drained together, so the child never blocks on a full pipe.
    ExecOutput result;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    bool timed_out = false;
    while (out.fd[0] >= 0 || err.fd[0] >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd fds[2];
        int n = 0;
        int at_out = -1, at_err = -1;
        if (out.fd[0] >= 0) fds[at_out = n++] = {out.fd[0], POLLIN, 0};
        if (err.fd[0] >= 0) fds[at_err = n++] = {err.fd[0], POLLIN, 0};
        const int ready = ::poll(fds, static_cast<nfds_t>(n),
                                 static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (ready < 0 && errno != EINTR)
            return make_error(ErrorCode::kIo, std::string("poll: ") + std::strerror(errno));
        if (ready <= 0) continue;
        char buf[4096];
        auto drain = [&](int at, Pipe& p, std::string& into) {
            if (at < 0 || !(fds[at].revents & (POLLIN | POLLHUP | POLLERR))) return;
            const ssize_t got = ::read(p.fd[0], buf, sizeof(buf));
            if (got > 0) {
                into.append(buf, static_cast<std::size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                p.close_end(0);
            }
        };
        drain(at_out, out, result.out);
        drain(at_err, err, result.err);
    }
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) {
        return make_error(ErrorCode::kBackend, argv[0] + " did not answer within " +
                                                   std::to_string(timeout_s) +
                                                   " s (is slurmctld up? `scontrol ping`)");
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

}  // namespace

SlurmExec system_slurm_exec(int timeout_s) {
    return
        [timeout_s](const std::vector<std::string>& argv) { return run_process(argv, timeout_s); };
}

}  // namespace biomedq
