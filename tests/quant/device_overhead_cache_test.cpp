// The run growth the eval runner records per device model and simulate_memory adds (issue 15).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "biomedq/memory_simulation.h"
#include "model_fixture.h"

namespace biomedq::test {
namespace {

TEST(DeviceOverheadCache, RecordedPerDeviceModelTheLastRunWins) {
    const auto dir = make_temp_dir("overhead-cache");
    const auto file = dir / "sub" / "device-overhead.json";
    EXPECT_EQ(recorded_device_run_growth("NVIDIA H200", file), 0u);
    ASSERT_TRUE(
        record_device_run_growth("NVIDIA H200", 123456789, "2026-11-30T04:00:00Z", file).ok());
    ASSERT_TRUE(record_device_run_growth("NVIDIA L4", 42, "2026-11-30T04:01:00Z", file).ok());
    EXPECT_EQ(recorded_device_run_growth("NVIDIA H200", file), 123456789u);
    EXPECT_EQ(recorded_device_run_growth("NVIDIA L4", file), 42u);
    ASSERT_TRUE(record_device_run_growth("NVIDIA H200", 7, "2026-11-30T04:02:00Z", file).ok());
    EXPECT_EQ(recorded_device_run_growth("NVIDIA H200", file), 7u);
    EXPECT_EQ(recorded_device_run_growth("NVIDIA H100", file), 0u);
    std::filesystem::remove_all(dir);
}

TEST(DeviceOverheadCache, ADamagedFileReadsAsNothingAndIsRewritten) {
    const auto dir = make_temp_dir("overhead-cache-bad");
    const auto file = dir / "device-overhead.json";
    std::ofstream(file) << "{\"NVIDIA H200\": {\"bytes_run_growth\": -5}, ";
    EXPECT_EQ(recorded_device_run_growth("NVIDIA H200", file), 0u);
    ASSERT_TRUE(record_device_run_growth("NVIDIA H200", 9, "now", file).ok());
    EXPECT_EQ(recorded_device_run_growth("NVIDIA H200", file), 9u);
    std::filesystem::remove_all(dir);
}

TEST(DeviceOverheadCache, AHostWithoutAGpuAddsNoOverheadEvenWithARecordedOne) {
    // CI's case: only the host device is simulated, so a recorded growth for some GPU adds nothing.
    const auto dir = make_temp_dir("overhead-cache-cpu");
    ASSERT_EQ(setenv("BIOMEDQ_CACHE", dir.c_str(), 1), 0);
    ASSERT_TRUE(record_device_run_growth("NVIDIA H200", 100ull << 20, "now").ok());
    MemoryRequest request;
    request.ctx_per_seq = 256;
    auto sim = simulate_memory(tiny_model_path().string(), request);
    unsetenv("BIOMEDQ_CACHE");
    ASSERT_TRUE(sim.ok()) << sim.error().message;
    bool gpu = false;
    for (const auto& d : sim->devices) {
        if (d.host) {
            EXPECT_EQ(d.bytes_overhead(), 0u) << d.name;
        }
        gpu = gpu || !d.host;
    }
    if (!gpu) {
        EXPECT_EQ(sim->bytes_gpu_with_overhead(), 0u);
    }
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace biomedq::test
