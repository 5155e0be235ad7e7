// One process at a time in a run directory. Two evals appending to one samples.jsonl cut each
// other's records mid-line and damage the run for good, so eval, each sweep cell and rescore hold
// an exclusive flock(2) on <dir>/biomedq.lock for as long as they touch the directory. The kernel
// releases it when the process ends however it ends (SIGKILL included), so a lock is never stale
// and there is nothing to clean up; the file only carries the holder's pid, to name it when
// refusing another.
#pragma once

#include <filesystem>

#include "biomedq/result.h"

namespace biomedq::runner {

class RunDirectoryLock {
public:
    static constexpr const char* kFileName = "biomedq.lock";

    // Takes the lock without waiting. With `create_directory` a missing `dir` is created first
    // (eval, sweep cells); without it a missing `dir` is kNotFound (rescore). Errors: kConflict
    // naming the holder's pid when the lock is held, by another process or through another open of
    // the file in this one; kIo.
    static Result<RunDirectoryLock> acquire(const std::filesystem::path& dir,
                                            bool create_directory);

    RunDirectoryLock(RunDirectoryLock&& other) noexcept;
    RunDirectoryLock& operator=(RunDirectoryLock&&) = delete;
    ~RunDirectoryLock();

    const std::filesystem::path& directory() const { return dir_; }

private:
    RunDirectoryLock() = default;
    int fd_ = -1;
    std::filesystem::path dir_;
};

}  // namespace biomedq::runner
