// llama.cpp's batch sizes for a run: n_batch, the most tokens one llama_decode call takes, and
// n_ubatch, the micro-batch the device computes at once. A larger micro-batch fills a GPU better
// (measured on an H200: +21% prompt throughput for F16 and +13% for Q4_K_M at 4096/2048 against
// llama.cpp's 2048/512) at the cost of a larger compute buffer, which the memory answer and
// --parallel auto count because they are sized with the same values.
#pragma once

#include "biomedq/result.h"
#include "biomedq/runner.h"

namespace biomedq::runner {

struct BatchSizes {
    int n_batch = 2048;
    int n_ubatch = 512;
};

// The device's defaults: 4096/2048 where the model runs on a GPU, llama.cpp's 2048/512 on the CPU.
BatchSizes default_batch_sizes(bool gpu);

// --batch and --ubatch where given (0: the device's default; a --batch below the default ubatch
// takes it as ubatch too). Errors: kInvalidArgument for a negative value or --ubatch > --batch.
Result<BatchSizes> batch_sizes_for(const BackendSpec& spec, bool gpu);

// Whether the in-process model runs on a GPU: one exists in this build and --gpu-layers is not 0.
bool runs_on_gpu(const BackendSpec& spec);

}  // namespace biomedq::runner
