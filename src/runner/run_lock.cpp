#include "runner/run_lock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

namespace biomedq::runner {
namespace {

// The pid in the lock file, when it names a live process.
int live_holder_pid(int fd) {
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
    if (n <= 0) return 0;
    int pid = 0;
    for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) {
        if (pid > 100'000'000) return 0;
        pid = pid * 10 + (buf[i] - '0');
    }
    if (pid <= 0) return 0;
    return ::kill(pid, 0) == 0 || errno == EPERM ? pid : 0;
}

// The holder writes its pid just after taking the lock, over a previous holder's, so for a moment
// the file can be empty or name a dead process: look again briefly before giving up on the pid.
std::string describe_holder(int fd) {
    for (int attempt = 0; attempt < 50; ++attempt) {
        if (const int pid = live_holder_pid(fd); pid > 0) return "pid " + std::to_string(pid);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return "pid unknown";
}

}  // namespace

Result<RunDirectoryLock> RunDirectoryLock::acquire(const std::filesystem::path& dir,
                                                   bool create_directory) {
    std::error_code ec;
    if (create_directory) {
        std::filesystem::create_directories(dir, ec);
        if (ec) {
            return make_error(ErrorCode::kIo,
                              dir.string() + ": cannot create the run directory: " + ec.message());
        }
    } else if (!std::filesystem::is_directory(dir, ec)) {
        return make_error(ErrorCode::kNotFound, dir.string() + ": no such run directory");
    }
    const auto path = dir / kFileName;
    RunDirectoryLock lock;
    lock.dir_ = dir;
    lock.fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock.fd_ < 0) {
        return make_error(
            ErrorCode::kIo,
            path.string() + ": cannot open the run directory's lock file: " + std::strerror(errno));
    }
    while (::flock(lock.fd_, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) continue;
        if (errno == EWOULDBLOCK) {
            return make_error(ErrorCode::kConflict,
                              dir.string() + " is in use by another biomedq process (" +
                                  describe_holder(lock.fd_) + ", lock file " + path.string() +
                                  "): wait for it to finish, or use another run directory");
        }
        return make_error(ErrorCode::kIo, path.string() + ": cannot lock: " + std::strerror(errno));
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(lock.fd_, 0) != 0 ||
        ::pwrite(lock.fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
        return make_error(ErrorCode::kIo, path.string() + ": cannot write the holder's pid: " +
                                              std::strerror(errno));
    }
    return lock;
}

RunDirectoryLock::RunDirectoryLock(RunDirectoryLock&& other) noexcept
    : fd_(other.fd_), dir_(std::move(other.dir_)) {
    other.fd_ = -1;
}

RunDirectoryLock::~RunDirectoryLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the last descriptor of the open file releases the lock
}

}  // namespace biomedq::runner
