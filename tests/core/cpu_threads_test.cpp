// The default thread count honours BIOMEDQ_THREADS, the affinity set and the cgroup CPU quota.
#include "core/cpu_threads.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "support/paths.h"

namespace biomedq {
namespace {

TEST(CpuThreads, CpuMaxQuotaIsRoundedUpAndMaxMeansNoLimit) {
    EXPECT_EQ(cpus_from_cpu_max("200000 100000"), 2);
    EXPECT_EQ(cpus_from_cpu_max("150000 100000\n"), 2);
    EXPECT_EQ(cpus_from_cpu_max("50000 100000"), 1);
    EXPECT_EQ(cpus_from_cpu_max("max 100000"), std::nullopt);
    EXPECT_EQ(cpus_from_cpu_max(""), std::nullopt);
    EXPECT_EQ(cpus_from_cpu_max("abc 100000"), std::nullopt);
    EXPECT_EQ(cpus_from_cpu_max("100000 0"), std::nullopt);
}

TEST(CpuThreads, ReadsCgroupV2AndV1QuotaFiles) {
    const auto root = test::make_temp_dir("cgroup");
    std::filesystem::create_directories(root / "v1" / "cpu");
    std::ofstream(root / "cpu.max") << "300000 100000\n";
    EXPECT_EQ(cpus_in_cgroup_quota(root.string()), 3);
    std::ofstream(root / "v1" / "cpu" / "cpu.cfs_quota_us") << "250000\n";
    std::ofstream(root / "v1" / "cpu" / "cpu.cfs_period_us") << "100000\n";
    EXPECT_EQ(cpus_in_cgroup_quota((root / "v1").string()), 3);
    std::ofstream(root / "v1" / "cpu" / "cpu.cfs_quota_us") << "-1\n";
    EXPECT_EQ(cpus_in_cgroup_quota((root / "v1").string()), std::nullopt);
    EXPECT_EQ(cpus_in_cgroup_quota((root / "missing").string()), std::nullopt);
    std::filesystem::remove_all(root);
}

TEST(CpuThreads, EnvironmentOverridesAndTheDefaultNeverExceedsTheAffinitySet) {
    const char* saved = std::getenv("BIOMEDQ_THREADS");
    const std::string saved_value = saved ? saved : "";
    ::setenv("BIOMEDQ_THREADS", "3", 1);
    EXPECT_EQ(default_thread_count(), 3);
    ::setenv("BIOMEDQ_THREADS", "zero", 1);  // not a positive integer: ignored, not fatal
    const int n = default_thread_count();
    EXPECT_GE(n, 1);
    ASSERT_TRUE(cpus_in_affinity_set().has_value());
    EXPECT_LE(n, *cpus_in_affinity_set());
    if (saved) {
        ::setenv("BIOMEDQ_THREADS", saved_value.c_str(), 1);
    } else {
        ::unsetenv("BIOMEDQ_THREADS");
    }
}

}  // namespace
}  // namespace biomedq
