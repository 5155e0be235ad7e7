// Memory per device: llama.cpp buffers grouped by the device holding them, stored per run (schema
// v3), and a version-2 store migrated without touching its runs.
#include "store/device_memory.h"

#include <gtest/gtest.h>

#include "biomedq/store.h"
#include "support/paths.h"

namespace biomedq {
namespace {

// What results.json says for a model split over two GPUs: weights on both, host-side buffers, and
// the driver's peak per GPU.
// results.json's memory section read through the codec, as import reads it.
MemoryRecord memory_of(const nlohmann::json& memory) {
    nlohmann::json doc = {
        {"model",
         {{"path", "m.gguf"}, {"sha256", "0"}, {"quant_type", "Q8_0"}, {"bits_per_weight", 8.5}}},
        {"config",
         {{"hash", "h"},
          {"resolved",
           {{"prompt", "zero-shot"}, {"subset", "all"}, {"limit", 0}, {"seed", 1}, {"ctx", 512}}}}},
        {"tasks", nlohmann::json::object()},
        {"memory", memory}};
    auto run = run_record_from_json(doc);
    EXPECT_TRUE(run.ok()) << run.error().message;
    return run.ok() && run->memory ? *run->memory : MemoryRecord{};
}

MemoryRecord split_memory() {
    return memory_of(nlohmann::json::parse(R"({
      "buffers": [
        {"buffer": "CPU_Mapped", "bytes_weights": 1000, "bytes_kv": 0, "bytes_compute": 0, "bytes_output": 0},
        {"buffer": "CUDA0", "bytes_weights": 40000, "bytes_kv": 600, "bytes_compute": 70, "bytes_output": 0},
        {"buffer": "CUDA1", "bytes_weights": 38000, "bytes_kv": 600, "bytes_compute": 80, "bytes_output": 0},
        {"buffer": "CUDA_Host", "bytes_weights": 0, "bytes_kv": 0, "bytes_compute": 20, "bytes_output": 5}
      ],
      "devices": [
        {"name": "CUDA0", "bytes_total": 150000, "bytes_peak_used": 41500},
        {"name": "CUDA1", "bytes_total": 150000, "bytes_peak_used": 39400}
      ]})"));
}

TEST(DeviceMemory, BuffersAreGroupedByDeviceAndJoinedWithTheDriversPeak) {
    EXPECT_EQ(store::device_of_buffer("CPU_REPACK"), "host");
    EXPECT_EQ(store::device_of_buffer("CUDA_Host"), "host");
    EXPECT_EQ(store::device_of_buffer("CUDA1"), "CUDA1");
    EXPECT_EQ(store::device_of_buffer("RPC0[10.0.0.2:50052]"), "RPC0[10.0.0.2:50052]");
    EXPECT_EQ(store::device_of_buffer("CUDA0_Mapped"), "CUDA0");

    const auto devices = store::device_memory_of(split_memory());
    ASSERT_EQ(devices.size(), 3u);
    EXPECT_EQ(devices[0].device, "host");
    EXPECT_EQ(devices[0].bytes_weights, 1000u);
    EXPECT_EQ(devices[0].bytes_compute, 20u);
    EXPECT_EQ(devices[0].bytes_output, 5u);
    EXPECT_EQ(devices[1].device, "CUDA0");
    EXPECT_EQ(devices[1].bytes_weights, 40000u);
    EXPECT_EQ(devices[1].bytes_peak_used, 41500u);
    EXPECT_EQ(devices[1].bytes_total, 150000u);
    EXPECT_EQ(devices[2].device, "CUDA1");
    EXPECT_EQ(devices[2].bytes_kv, 600u);
    EXPECT_TRUE(store::device_memory_of(memory_of(nlohmann::json::object())).empty());
    EXPECT_TRUE(store::device_memory_of(
                    memory_of(nlohmann::json::parse(R"({"buffers": [{"bytes_kv": 3}]})")))
                    .empty());
}

TEST(DeviceMemory, StoredWithTheRunAndReplacedWithIt) {
    const auto dir = test::make_temp_dir("store_devices");
    auto store = ResultStore::open(dir / "r.sqlite");
    ASSERT_TRUE(store.ok()) << store.error().message;
    StoredRun run;
    run.run_dir = (dir / "run").string();
    run.model_name = "m";
    run.quant_type = "q8_0";
    run.devices = store::device_memory_of(split_memory());
    ASSERT_TRUE(store->put_run(run).ok());
    auto loaded = store->load_runs(false);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    ASSERT_EQ(loaded->size(), 1u);
    const auto& devices = loaded->front().devices;
    ASSERT_EQ(devices.size(), 3u);
    EXPECT_EQ(devices[0].device, "host");
    EXPECT_EQ(devices[2].device, "CUDA1");
    EXPECT_EQ(devices[2].bytes_peak_used, 39400u);
    // Re-importing a run replaces its device rows, never duplicates them.
    run.devices.pop_back();
    ASSERT_TRUE(store->put_run(run).ok());
    EXPECT_EQ(store->load_runs(false)->front().devices.size(), 2u);
}

}  // namespace
}  // namespace biomedq
