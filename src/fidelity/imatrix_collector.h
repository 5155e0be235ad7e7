// Accumulates importance-matrix statistics from ggml's eval callback: for each matrix
// multiplication with a blk.* weight, the sum of squared input activations per input column and the
// rows seen.
#pragma once

#include <ggml.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace biomedq::fidelity {

struct ImatrixEntry {
    std::vector<double> sums;          // n_cols * n_mat, column-major per matrix
    std::vector<std::int64_t> counts;  // rows per matrix (one for a dense 2-D weight)
};

class ImatrixCollector {
public:
    // ggml_backend_sched_eval_callback; user_data is the collector.
    static bool callback(ggml_tensor* t, bool ask, void* user_data);

    const std::map<std::string, ImatrixEntry>& entries() const { return entries_; }
    // Set when a multiplication could not be collected (mixture-of-experts, non-f32 activations);
    // the caller turns it into an error rather than writing a matrix with holes.
    const std::string& unsupported() const { return unsupported_; }

    // "CUDA0#blk.0.attn_q.weight#0" -> "blk.0.attn_q.weight" (backend copies carry such names).
    static std::string weight_name(const char* tensor_name);

private:
    bool wants(const ggml_tensor* t);
    void collect(const ggml_tensor* t);
    std::map<std::string, ImatrixEntry> entries_;
    std::vector<char> host_copy_;
    std::string unsupported_;
};

}  // namespace biomedq::fidelity
