#include "fidelity/imatrix_writer.h"

#include <ggml.h>
#include <gguf.h>

#include <memory>

#include "llama/handles.h"

namespace biomedq::fidelity {

Status write_imatrix_gguf(const std::map<std::string, ImatrixEntry>& entries,
                          const ImatrixMetadata& metadata, const std::filesystem::path& out) {
    if (entries.empty()) {
        return make_error(
            ErrorCode::kInvalidArgument,
            out.string() + ": no matrix multiplications were observed; nothing to write");
    }
    std::size_t bytes = 0;
    for (const auto& [name, e] : entries) {
        bytes += ggml_tensor_overhead() + sizeof(float) * e.sums.size() + GGML_MEM_ALIGN;
        bytes += ggml_tensor_overhead() + sizeof(float) * e.counts.size() + GGML_MEM_ALIGN;
    }
    ggml_init_params params{bytes, nullptr, false};
    llama::GgmlContextPtr ctx(ggml_init(params));
    llama::GgufPtr gguf(gguf_init_empty());
    if (!ctx || !gguf)
        return make_error(ErrorCode::kResource, "cannot allocate the imatrix buffers");

    std::vector<const char*> datasets;
    for (const auto& d : metadata.datasets) datasets.push_back(d.c_str());
    gguf_set_val_str(gguf.get(), "general.type", "imatrix");
    gguf_set_arr_str(gguf.get(), "imatrix.datasets", datasets.data(), datasets.size());
    gguf_set_val_u32(gguf.get(), "imatrix.chunk_count", metadata.chunk_count);
    gguf_set_val_u32(gguf.get(), "imatrix.chunk_size", metadata.chunk_size);

    for (const auto& [name, e] : entries) {  // std::map: deterministic (sorted) order
        const auto n_mat = static_cast<int64_t>(e.counts.size());
        const auto n_cols = static_cast<int64_t>(e.sums.size()) / n_mat;
        ggml_tensor* sums = ggml_new_tensor_2d(ctx.get(), GGML_TYPE_F32, n_cols, n_mat);
        ggml_tensor* counts = ggml_new_tensor_2d(ctx.get(), GGML_TYPE_F32, 1, n_mat);
        ggml_format_name(sums, "%s.in_sum2", name.c_str());
        ggml_format_name(counts, "%s.counts", name.c_str());
        auto* s = static_cast<float*>(sums->data);
        for (std::size_t j = 0; j < e.sums.size(); ++j) s[j] = static_cast<float>(e.sums[j]);
        auto* c = static_cast<float*>(counts->data);
        for (std::size_t j = 0; j < e.counts.size(); ++j) c[j] = static_cast<float>(e.counts[j]);
        gguf_add_tensor(gguf.get(), sums);
        gguf_add_tensor(gguf.get(), counts);
    }
    const std::filesystem::path tmp = out.string() + ".tmp";
    std::error_code ec;
    if (!gguf_write_to_file(gguf.get(), tmp.c_str(), false)) {
        std::filesystem::remove(tmp, ec);
        return make_error(ErrorCode::kIo, out.string() + ": writing the importance matrix failed");
    }
    std::filesystem::rename(tmp, out, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        return make_error(ErrorCode::kIo, out.string() + ": rename failed: " + ec.message());
    }
    return Status::success();
}

}  // namespace biomedq::fidelity
