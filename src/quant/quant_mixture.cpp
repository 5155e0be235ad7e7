#include "quant/quant_mixture.h"

#include <llama.h>

#include "llama/log_capture.h"
#include "quant/dry_run_log.h"
#include "quant/name_match.h"
#include "quant/synth_gguf.h"
#include "quant/temp_file.h"

namespace biomedq {

namespace fs = std::filesystem;

namespace {

Error imatrix_refusal(const std::string& type_name, const std::string& why) {
    std::vector<std::string> usable;
    for (const auto& t : quant_types()) {
        if (!t.needs_imatrix) usable.push_back(t.name);
    }
    return make_error(
        ErrorCode::kUnsupported,
        "quantization type " + type_name + " needs an importance matrix" + why +
            ", and random weights have none; synth writes these types: " + join(usable, ", "));
}

}  // namespace

Status check_no_imatrix_needed(const QuantType& type) {
    if (type.needs_imatrix) return imatrix_refusal(type.name, "");
    return Status::success();
}

Result<std::map<std::string, ggml_type>> llama_quant_mixture(const gguf_context* f16_meta,
                                                             const QuantType& type,
                                                             const fs::path& near) {
    TempFile layout(near.string() + ".layout.tmp");
    // Never opened: it only removes the path should llama.cpp write it after all.
    TempFile dry_run_output(near.string() + ".dry-run.tmp");

    const std::vector<char> header = gguf_meta_bytes(f16_meta);
    BIOMEDQ_TRY(layout.open());
    BIOMEDQ_TRY(layout.write_at(header.data(), header.size(), 0));
    // llama.cpp's loader checks every tensor lies inside the file; a dry run never reads the data.
    BIOMEDQ_TRY(layout.resize(gguf_bytes_file(f16_meta)));
    BIOMEDQ_TRY(layout.close());

    llama_model_quantize_params params = llama_model_quantize_default_params();
    params.ftype = static_cast<llama_ftype>(type.ftype);
    params.dry_run = true;
    params.nthread = 1;
    uint32_t rc = 0;
    std::string log;
    std::string errors;
    {
        llama::LogCapture capture;
        rc = llama_model_quantize(layout.path().c_str(), dry_run_output.path().c_str(), &params);
        log = capture.all();
        errors = capture.errors_one_line();
    }
    if (rc != 0) {
        return make_error(ErrorCode::kBackend, "llama.cpp's quantization dry run for " + type.name +
                                                   " failed" +
                                                   (errors.empty() ? "" : ": " + errors));
    }
    std::error_code ec;
    if (fs::exists(dry_run_output.path(), ec)) {
        return make_error(ErrorCode::kInternal,
                          dry_run_output.path().string() +
                              ": llama.cpp wrote an output file during a "
                              "dry run; this llama.cpp is not the pinned one");
    }
    // llama.cpp's own verdict (tensor_requires_imatrix), which also covers mixed-in tensor types.
    if (log.find("will require an imatrix") != std::string::npos) {
        return imatrix_refusal(type.name, " (llama.cpp's dry run says so)");
    }

    BIOMEDQ_ASSIGN(auto types, parse_dry_run_types(log));
    const int64_t n_tensors = gguf_get_n_tensors(f16_meta);
    for (int64_t i = 0; i < n_tensors; ++i) {
        const std::string name = gguf_get_tensor_name(f16_meta, i);
        const auto it = types.find(name);
        if (it == types.end()) {
            return make_error(ErrorCode::kInternal, "llama.cpp's quantization dry run for " +
                                                        type.name + " gave no type for tensor " +
                                                        name + " (it listed " +
                                                        std::to_string(types.size()) + " of " +
                                                        std::to_string(n_tensors) + " tensors)");
        }
        if (ggml_quantize_requires_imatrix(it->second)) {
            return imatrix_refusal(
                type.name, " (tensor " + name + " would be " + ggml_type_name(it->second) + ")");
        }
    }
    if (types.size() != static_cast<std::size_t>(n_tensors)) {
        return make_error(ErrorCode::kInternal,
                          "llama.cpp's quantization dry run for " + type.name + " listed " +
                              std::to_string(types.size()) + " tensors, the model has " +
                              std::to_string(n_tensors));
    }
    return types;
}

}  // namespace biomedq
