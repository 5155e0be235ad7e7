#include <imatrix-loader.h>
#include <llama.h>

#include <chrono>

#include "biomedq/quant.h"
#include "core/cpu_threads.h"
#include "quant/llama_log_capture.h"
#include "quant/name_match.h"

namespace biomedq {

namespace fs = std::filesystem;

namespace {

// The importance matrix normalized the way llama-quantize does (sums / counts), in the layout
// llama_model_quantize reads: a name==nullptr terminated array pointing into `values`.
struct LoadedImatrix {
    std::map<std::string, std::vector<float>> values;
    std::vector<llama_model_imatrix_data> entries;
};

Result<LoadedImatrix> load_imatrix(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        return make_error(ErrorCode::kNotFound, path.string() + ": imatrix file not found");
    }
    common_imatrix loaded;
    {
        LlamaLogCapture capture;
        if (!common_imatrix_load(path.string(), loaded)) {
            const std::string log = capture.errors_one_line();
            return make_error(ErrorCode::kParse, path.string() + ": not a valid importance matrix" +
                                                     (log.empty() ? "" : " (" + log + ")"));
        }
    }
    LoadedImatrix out;
    for (const auto& [name, entry] : loaded.entries) {
        std::vector<float>& e = out.values[name];
        e.assign(entry.sums.begin(), entry.sums.end());
        if (loaded.is_legacy) {
            const int64_t ncall = entry.counts.empty() ? 0 : entry.counts[0];
            if (ncall > 0) {
                for (float& v : e) v /= static_cast<float>(ncall);
            }
            continue;
        }
        const auto n_counts = static_cast<int64_t>(entry.counts.size());
        if (n_counts == 0) continue;
        const int64_t ne0 = static_cast<int64_t>(e.size()) / n_counts;
        for (int64_t j = 0; j < n_counts; ++j) {
            const auto count = static_cast<float>(entry.counts[static_cast<std::size_t>(j)]);
            for (int64_t i = 0; i < ne0; ++i) {
                float& v = e[static_cast<std::size_t>(j * ne0 + i)];
                v = count > 0.0f ? v / count : 1.0f;
            }
        }
    }
    if (out.values.empty()) {
        return make_error(ErrorCode::kParse, path.string() + ": importance matrix has no entries");
    }
    for (const auto& [name, v] : out.values) {
        out.entries.push_back(llama_model_imatrix_data{name.c_str(), v.data(), v.size()});
    }
    out.entries.push_back(llama_model_imatrix_data{nullptr, nullptr, 0});
    return out;
}

}  // namespace

fs::path quantized_output_path(const fs::path& src, const fs::path& out_dir, const QuantType& type) {
    return out_dir / (src.stem().string() + "-" + to_upper(type.name) + ".gguf");
}

Result<QuantizeReport> quantize_model(const fs::path& src, const QuantType& type, const fs::path& out,
                                      const QuantizeOptions& options) {
    // Everything that can be checked is checked before llama.cpp reads a byte of tensor data.
    BIOMEDQ_ASSIGN(const ModelInfo src_info, read_model_info(src));
    if (type.needs_imatrix && !options.imatrix_path) {
        return make_error(ErrorCode::kInvalidArgument,
                          "quantization type " + type.name +
                              " needs an importance matrix: pass --imatrix FILE (made by "
                              "llama-imatrix); types that work without one include q2_k, q3_k_m, "
                              "iq4_xs");
    }
    std::optional<LoadedImatrix> imatrix;
    if (options.imatrix_path) {
        BIOMEDQ_ASSIGN(LoadedImatrix loaded, load_imatrix(*options.imatrix_path));
        imatrix = std::move(loaded);
    }
    std::error_code ec;
    if (out.has_parent_path() && !fs::is_directory(out.parent_path(), ec)) {
        return make_error(ErrorCode::kNotFound, out.parent_path().string() +
                                                    ": output directory does not exist");
    }

    llama_model_quantize_params params = llama_model_quantize_default_params();
    params.ftype = static_cast<llama_ftype>(type.ftype);
    params.nthread = options.n_threads > 0 ? options.n_threads
                                           : default_thread_count();
    // Requantizing (a q8_0 source) loses more than quantizing from f16; llama-quantize allows it
    // behind a flag, biomedq allows it and the info of the source shows what it was.
    params.allow_requantize = true;
    if (imatrix) params.imatrix = imatrix->entries.data();

    const fs::path tmp = out.string() + ".tmp";
    const auto t_start = std::chrono::steady_clock::now();
    uint32_t rc = 0;
    std::string log;
    {
        LlamaLogCapture capture;
        rc = llama_model_quantize(src.c_str(), tmp.c_str(), &params);
        log = capture.errors_one_line();
    }
    const double t_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start).count();
    if (rc != 0) {
        fs::remove(tmp, ec);
        return make_error(ErrorCode::kBackend, src.string() + ": llama.cpp failed to quantize to " +
                                                   type.name + (log.empty() ? "" : ": " + log));
    }
    fs::rename(tmp, out, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return make_error(ErrorCode::kIo, out.string() + ": rename failed: " + ec.message());
    }

    BIOMEDQ_ASSIGN(const ModelInfo out_info, read_model_info(out));
    QuantizeReport report;
    report.type = type.name;
    report.path = out;
    report.bytes_file = out_info.bytes_file;
    report.bytes_tensors = out_info.bytes_tensors;
    report.n_params = out_info.n_params;
    report.bits_per_weight = out_info.bits_per_weight;
    report.t_quantize_ms = t_ms;
    (void)src_info;
    return report;
}

}  // namespace biomedq
