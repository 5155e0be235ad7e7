// A run's device overhead (issue 15): the driver's in-use peak minus llama.cpp's buffers on that
// device, split into what was there at load (CUDA context, other processes) and what the run grew.
#include "runner/device_overhead.h"

#include <gtest/gtest.h>

namespace biomedq::runner {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

DeviceMemory gpu(std::uint64_t total, std::uint64_t free_before, std::uint64_t free_min) {
    DeviceMemory d;
    d.name = "CUDA0";
    d.description = "NVIDIA H200";
    d.bytes_total = total;
    d.bytes_free_before_load = free_before;
    d.bytes_free_after_load = free_before;
    d.bytes_free_min = free_min;
    return d;
}

TEST(DeviceOverhead, PeakInUseMinusTheDevicesOwnBuffersSplitIntoAtLoadAndGrowth) {
    // Weights, KV and compute on CUDA0; host-pinned and mapped buffers are host memory.
    const std::vector<BufferMemory> buffers = {{"CUDA0", 4000 * kMiB, 512 * kMiB, 300 * kMiB, 0},
                                               {"CUDA_Host", 0, 0, 16 * kMiB, 0},
                                               {"CPU_Mapped", 280 * kMiB, 0, 0, 0},
                                               {"CPU", 0, 0, 0, 1 * kMiB}};
    // 100,000 MiB card; 500 MiB in use before loading (our context); least free 94,588 MiB.
    const auto o = device_overheads(buffers, {gpu(100000 * kMiB, 99500 * kMiB, 94588 * kMiB)});
    ASSERT_EQ(o.size(), 1u);
    EXPECT_EQ(o[0].device, "CUDA0");
    EXPECT_EQ(o[0].description, "NVIDIA H200");
    EXPECT_EQ(o[0].bytes_buffers, 4812 * kMiB);
    EXPECT_EQ(o[0].bytes_in_use_peak, 5412 * kMiB);
    EXPECT_EQ(o[0].bytes_in_use_at_load, 500 * kMiB);
    EXPECT_EQ(o[0].bytes_device_overhead, 600 * kMiB);
    EXPECT_EQ(o[0].bytes_run_growth, 100 * kMiB);
    EXPECT_TRUE(no_device_overhead_reason({gpu(1, 1, 1)}).empty());
}

TEST(DeviceOverhead, ReadingsBelowTheBuffersNeverUnderflow) {
    // A device that reported no memory (0 total), and one whose readings missed the peak.
    const std::vector<BufferMemory> buffers = {{"CUDA0", 1000 * kMiB, 0, 0, 0}};
    const auto o =
        device_overheads(buffers, {gpu(0, 0, 0), gpu(2000 * kMiB, 1900 * kMiB, 1500 * kMiB)});
    ASSERT_EQ(o.size(), 2u);
    EXPECT_EQ(o[0].bytes_in_use_peak, 0u);
    EXPECT_EQ(o[0].bytes_device_overhead, 0u);
    EXPECT_EQ(o[1].bytes_in_use_peak, 500 * kMiB);
    EXPECT_EQ(o[1].bytes_device_overhead, 0u);
    EXPECT_EQ(o[1].bytes_run_growth, 0u);
}

TEST(DeviceOverhead, ACpuOnlyRunHasNoneAndSaysWhy) {
    EXPECT_TRUE(device_overheads({{"CPU", 100, 10, 5, 1}}, {}).empty());
    EXPECT_NE(no_device_overhead_reason({}).find("no GPU device"), std::string::npos);
}

}  // namespace
}  // namespace biomedq::runner
