#include "fidelity/imatrix_collector.h"

#include <ggml-backend.h>

#include <cstring>

namespace biomedq::fidelity {

std::string ImatrixCollector::weight_name(const char* tensor_name) {
    const char* first = std::strchr(tensor_name, '#');
    if (!first) return tensor_name;
    const char* begin = first + 1;
    const char* end = std::strchr(begin, '#');
    return end ? std::string(begin, end) : std::string(begin);
}

bool ImatrixCollector::wants(const ggml_tensor* t) {
    const ggml_tensor* weight = t->src[0];
    const ggml_tensor* input = t->src[1];
    if (t->op != GGML_OP_MUL_MAT && t->op != GGML_OP_MUL_MAT_ID) return false;
    const std::string name = weight_name(weight->name);
    if (name.rfind("blk.", 0) != 0) return false;  // the LM head is left as llama-imatrix leaves it
    if (t->op == GGML_OP_MUL_MAT_ID) {
        if (unsupported_.empty()) {
            unsupported_ =
                name + ": mixture-of-experts multiplication (MUL_MAT_ID) is not supported";
        }
        return false;
    }
    if (input->type != GGML_TYPE_F32) {
        if (unsupported_.empty()) {
            unsupported_ =
                name + ": input activations are " + ggml_type_name(input->type) + ", expected f32";
        }
        return false;
    }
    return true;
}

void ImatrixCollector::collect(const ggml_tensor* t) {
    const ggml_tensor* weight = t->src[0];
    const ggml_tensor* input = t->src[1];
    const char* data = static_cast<const char*>(input->data);
    if (!ggml_backend_buffer_is_host(input->buffer)) {
        host_copy_.resize(ggml_nbytes(input));
        ggml_backend_tensor_get(input, host_copy_.data(), 0, host_copy_.size());
        data = host_copy_.data();
    }
    const int64_t n_cols = input->ne[0];
    const int64_t n_mat = weight->ne[2] * weight->ne[3];
    ImatrixEntry& e = entries_[weight_name(weight->name)];
    if (e.sums.empty()) {
        e.sums.assign(static_cast<std::size_t>(n_cols * n_mat), 0.0);
        e.counts.assign(1, 0);
    }
    for (int64_t i3 = 0; i3 < input->ne[3]; ++i3) {
        for (int64_t i2 = 0; i2 < input->ne[2]; ++i2) {
            // Broadcast activations over a 3-D weight map onto the matching matrix.
            const int64_t mat = (i3 % weight->ne[3]) * weight->ne[2] + (i2 % weight->ne[2]);
            double* acc = e.sums.data() + mat * n_cols;
            for (int64_t row = 0; row < input->ne[1]; ++row) {
                const auto* x = reinterpret_cast<const float*>(
                    data + row * input->nb[1] + i2 * input->nb[2] + i3 * input->nb[3]);
                for (int64_t j = 0; j < n_cols; ++j) {
                    acc[j] += static_cast<double>(x[j]) * static_cast<double>(x[j]);
                }
            }
        }
    }
    e.counts[0] += ggml_nrows(input) / n_mat;
}

bool ImatrixCollector::callback(ggml_tensor* t, bool ask, void* user_data) {
    auto* self = static_cast<ImatrixCollector*>(user_data);
    if (ask) return self->wants(t);
    self->collect(t);
    return true;  // keep computing the graph
}

}  // namespace biomedq::fidelity
