// Fixtures for tests that write files: a fresh temporary folder per test (dir_), removed after a
// passing test and kept after a failing one, for a look.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>

#include "support/paths.h"

namespace biomedq::test {

class TempDirTest : public ::testing::Test {
protected:
    explicit TempDirTest(std::string prefix) : prefix_(std::move(prefix)) {}
    void SetUp() override { dir_ = make_temp_dir(prefix_); }
    void TearDown() override {
        if (!HasFailure() && !dir_.empty()) std::filesystem::remove_all(dir_);
    }
    std::filesystem::path dir_;
    std::string bin_ = biomedq_binary().string();

private:
    std::string prefix_;
};

inline bool have_shared_data_readme() {
    return std::filesystem::exists(shared_data_dir() / "README.md");
}

// As TempDirTest, for tests that read the shared data sets: skipped where `have_data` says there
// are none (by default: no README.md in the shared data folder).
class SharedDataTest : public TempDirTest {
protected:
    explicit SharedDataTest(std::string prefix, bool (*have_data)() = have_shared_data_readme)
        : TempDirTest(std::move(prefix)), have_data_(have_data) {}
    void SetUp() override {
        if (!have_data_()) GTEST_SKIP() << "no data at " << shared_data_dir();
        TempDirTest::SetUp();
    }

private:
    bool (*have_data_)();
};

}  // namespace biomedq::test
