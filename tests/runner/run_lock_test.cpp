// The run directory lock: one holder at a time, the holder named by pid, and no stale lock after
// the holder is killed (the kernel drops a flock with its last descriptor).
#include "runner/run_lock.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "support/paths.h"

namespace biomedq::runner {
namespace {

std::string lock_file_text(const std::filesystem::path& dir) {
    std::ifstream in(dir / RunDirectoryLock::kFileName);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class RunLock : public ::testing::Test {
protected:
    void SetUp() override { dir_ = test::make_temp_dir("run-lock"); }
    void TearDown() override {
        if (!HasFailure()) std::filesystem::remove_all(dir_);
    }
    std::filesystem::path dir_;
};

TEST_F(RunLock, ASecondOpenOfTheLockIsRefusedNamingTheHoldersPid) {
    const auto run = dir_ / "run";
    {
        auto first = RunDirectoryLock::acquire(run, true);
        ASSERT_TRUE(first.ok()) << first.error().message;
        EXPECT_EQ(lock_file_text(run), std::to_string(::getpid()) + "\n");

        auto second = RunDirectoryLock::acquire(run, true);
        ASSERT_FALSE(second.ok());
        EXPECT_EQ(second.error().code, ErrorCode::kConflict);
        EXPECT_EQ(second.error().message,
                  run.string() + " is in use by another biomedq process (pid " +
                      std::to_string(::getpid()) + ", lock file " +
                      (run / RunDirectoryLock::kFileName).string() +
                      "): wait for it to finish, or use another run directory");
    }
    // Released with the holder.
    auto again = RunDirectoryLock::acquire(run, true);
    EXPECT_TRUE(again.ok());
}

TEST_F(RunLock, AKilledHolderLeavesNoStaleLock) {
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(ready[0]);
        auto lock = RunDirectoryLock::acquire(dir_, true);
        const char c = lock.ok() ? 'y' : 'n';
        if (::write(ready[1], &c, 1) != 1 || !lock.ok()) ::_exit(1);
        while (true) ::pause();  // holds the lock until killed
    }
    ::close(ready[1]);
    char c = 0;
    const bool child_holds = ::read(ready[0], &c, 1) == 1 && c == 'y';
    ::close(ready[0]);

    auto refused = RunDirectoryLock::acquire(dir_, true);
    ::kill(child, SIGKILL);  // before any assertion can end the test with the child alive
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(child_holds);
    ASSERT_TRUE(WIFSIGNALED(status));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
    EXPECT_NE(refused.error().message.find("(pid " + std::to_string(child) + ","),
              std::string::npos)
        << refused.error().message;

    // The dead holder's pid is still in the file; the lock itself went with the process.
    EXPECT_EQ(lock_file_text(dir_), std::to_string(child) + "\n");
    auto taken = RunDirectoryLock::acquire(dir_, true);
    ASSERT_TRUE(taken.ok()) << taken.error().message;
    EXPECT_EQ(lock_file_text(dir_), std::to_string(::getpid()) + "\n");
}

TEST_F(RunLock, WithoutCreateAMissingDirectoryIsNotFoundAndStaysMissing) {
    const auto missing = dir_ / "missing";
    auto lock = RunDirectoryLock::acquire(missing, false);
    ASSERT_FALSE(lock.ok());
    EXPECT_EQ(lock.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(lock.error().message, missing.string() + ": no such run directory");
    EXPECT_FALSE(std::filesystem::exists(missing));
}

}  // namespace
}  // namespace biomedq::runner
