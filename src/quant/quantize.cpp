#include <imatrix-loader.h>
#include <llama.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "biomedq/quant.h"
#include "core/cpu_threads.h"
#include "llama/log_capture.h"
#include "quant/name_match.h"
#include "quant/remove_on_signal.h"

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
        llama::LogCapture capture;
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

// Follows llama.cpp's per-tensor log line, "[  12/ 291] blk.1.attn_q.weight - [ 4096,  4096, 1, 1],
// type = f16, ...", and reports weights and tensors done at most every interval.
class QuantizeProgress {
public:
    QuantizeProgress(const QuantizeOptions& options, uint64_t n_weights)
        : options_(options), n_weights_(n_weights), last_(std::chrono::steady_clock::now()) {}

    void on_text(const char* text) {
        int index = 0, total = 0, consumed = 0;
        if (text[0] != '[' || std::sscanf(text, "[%d/%d]%n", &index, &total, &consumed) != 2)
            return;
        // The tensor named on this line starts now: the ones before it are done.
        n_done_ += pending_;
        pending_ = elements_of(text + consumed);
        n_tensors_ = total;
        report(index - 1, false);
    }
    // After llama.cpp returned: the last tensor is done too.
    void finish() {
        n_done_ += pending_;
        pending_ = 0;
        if (n_tensors_ > 0) report(n_tensors_, true);
    }

private:
    static uint64_t elements_of(const char* rest) {
        const char* open = std::strchr(rest, '[');
        if (!open) return 0;
        uint64_t n = 1;
        const char* p = open + 1;
        while (*p && *p != ']') {
            char* end = nullptr;
            const unsigned long long v = std::strtoull(p, &end, 10);
            if (end == p) {
                ++p;
                continue;
            }
            n *= v;
            p = end;
        }
        return n;
    }

    void report(int n_tensors_done, bool last) {
        if (!options_.on_progress) return;
        const auto now = std::chrono::steady_clock::now();
        if (!last &&
            std::chrono::duration<double>(now - last_).count() < options_.progress_interval_s)
            return;
        last_ = now;
        const uint64_t total = std::max(n_weights_, n_done_);
        options_.on_progress(std::min(n_done_, total), total, n_tensors_done, n_tensors_);
    }

    const QuantizeOptions& options_;
    uint64_t n_weights_ = 0;
    uint64_t n_done_ = 0;
    uint64_t pending_ = 0;
    int n_tensors_ = 0;
    std::chrono::steady_clock::time_point last_;
};

// llama.cpp writes through std::ofstream with exceptions on, so a full disk reaches us as
// "basic_ios::clear: iostream error"; errno, read right after the call, still says why. Where it
// was overwritten, a device with no free block is the one cause worth naming.
std::string write_failure_reason(int saved_errno, const fs::path& out) {
    switch (saved_errno) {
        case ENOSPC:
        case EDQUOT:
        case EFBIG:
        case EIO:
        case EROFS:
            return std::strerror(saved_errno);
        default:
            break;
    }
    struct statvfs fs_stats {};
    const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
    if (::statvfs(dir.c_str(), &fs_stats) == 0 && fs_stats.f_bavail == 0)
        return std::strerror(ENOSPC);
    return "";
}

}  // namespace

fs::path quantized_output_path(const fs::path& src, const fs::path& out_dir,
                               const QuantType& type) {
    return out_dir / (src.stem().string() + "-" + to_upper(type.name) + ".gguf");
}

Result<QuantizeReport> quantize_model(const fs::path& src, const QuantType& type,
                                      const fs::path& out, const QuantizeOptions& options) {
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
        return make_error(ErrorCode::kNotFound,
                          out.parent_path().string() + ": output directory does not exist");
    }

    llama_model_quantize_params params = llama_model_quantize_default_params();
    params.ftype = static_cast<llama_ftype>(type.ftype);
    params.nthread = options.n_threads > 0 ? options.n_threads : default_thread_count();
    // Requantizing (a q8_0 source) loses more than quantizing from f16; llama-quantize allows it
    // behind a flag, biomedq allows it and the info of the source shows what it was.
    params.allow_requantize = true;
    if (imatrix) params.imatrix = imatrix->entries.data();

    const fs::path tmp = out.string() + ".tmp";
    const RemoveOnSignal remove_tmp_on_signal(tmp);
    const auto t_start = std::chrono::steady_clock::now();
    uint32_t rc = 0;
    int saved_errno = 0;
    std::string log;
    QuantizeProgress progress(options, src_info.n_params);
    {
        llama::LogCapture capture;
        capture.set_listener([&progress](const char* text) { progress.on_text(text); });
        errno = 0;
        rc = llama_model_quantize(src.c_str(), tmp.c_str(), &params);
        saved_errno = errno;
        log = capture.errors_one_line();
    }
    const double t_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start)
            .count();
    if (rc != 0) {
        fs::remove(tmp, ec);
        if (log.find("iostream error") != std::string::npos) {
            const std::string reason = write_failure_reason(saved_errno, out);
            return make_error(ErrorCode::kIo, out.string() +
                                                  ": cannot write the quantized model (" +
                                                  (reason.empty() ? "write failed" : reason) +
                                                  "); nothing was kept");
        }
        return make_error(ErrorCode::kBackend, src.string() + ": llama.cpp failed to quantize to " +
                                                   type.name + (log.empty() ? "" : ": " + log));
    }
    progress.finish();
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
    return report;
}

}  // namespace biomedq
