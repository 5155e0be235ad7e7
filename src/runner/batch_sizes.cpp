#include "runner/batch_sizes.h"

#include <algorithm>
#include <string>

#include "biomedq/engine.h"

namespace biomedq::runner {

BatchSizes default_batch_sizes(bool gpu) { return gpu ? BatchSizes{4096, 2048} : BatchSizes{}; }

Result<BatchSizes> batch_sizes_for(const BackendSpec& spec, bool gpu) {
    if (spec.n_batch < 0 || spec.n_ubatch < 0) {
        return make_error(ErrorCode::kInvalidArgument,
                          "--batch and --ubatch: expected a positive number of tokens (0: the "
                          "device's default)");
    }
    BatchSizes sizes = default_batch_sizes(gpu);
    if (spec.n_batch > 0) {
        sizes.n_batch = spec.n_batch;
        sizes.n_ubatch = std::min(sizes.n_ubatch, spec.n_batch);
    }
    if (spec.n_ubatch > 0) sizes.n_ubatch = spec.n_ubatch;
    if (sizes.n_ubatch > sizes.n_batch) {
        return make_error(ErrorCode::kInvalidArgument,
                          "--ubatch " + std::to_string(sizes.n_ubatch) +
                              " is larger than --batch " + std::to_string(sizes.n_batch) +
                              ": the micro-batch is a part of one llama_decode call's batch");
    }
    return sizes;
}

bool runs_on_gpu(const BackendSpec& spec) {
    return spec.gpu_layers != 0 && spec.endpoints.empty() && !list_gpu_devices().empty();
}

}  // namespace biomedq::runner
