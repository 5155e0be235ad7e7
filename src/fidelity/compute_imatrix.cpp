// biomedq's importance matrix: llama-imatrix's statistics over biomedical calibration text.
#include <chrono>

#include "biomedq/fidelity.h"
#include "fidelity/chunk_model.h"
#include "fidelity/imatrix_collector.h"
#include "fidelity/imatrix_writer.h"
#include "fidelity/token_chunks.h"

namespace biomedq {

Result<ImatrixReport> compute_imatrix(const ImatrixOptions& options, const std::string& text,
                                      const std::filesystem::path& out) {
    const auto t_start = std::chrono::steady_clock::now();
    std::error_code ec;
    if (out.has_parent_path() && !std::filesystem::is_directory(out.parent_path(), ec)) {
        return make_error(ErrorCode::kNotFound,
                          out.parent_path().string() + ": output directory does not exist");
    }
    fidelity::ImatrixCollector collector;
    fidelity::ChunkModelOptions co;
    co.path = options.model_path.string();
    co.ctx = options.ctx;
    co.gpu_layers = options.gpu_layers;
    co.threads = options.threads;
    co.verbose = options.verbose;
    co.cb_eval = &fidelity::ImatrixCollector::callback;
    co.cb_eval_user_data = &collector;
    BIOMEDQ_ASSIGN(auto model, fidelity::ChunkModel::load(co));

    const auto tokens = model->tokenize(text);
    auto chunks = fidelity::split_into_chunks(tokens, options.ctx, model->bos_or_none(), 0, true);
    if (chunks.empty()) {
        return make_error(
            ErrorCode::kInvalidArgument,
            "the calibration text is " + std::to_string(tokens.size()) +
                " tokens long: an importance matrix needs at least one full chunk of " +
                std::to_string(options.ctx) + " tokens (use a smaller --ctx or more text)");
    }
    if (options.max_chunks > 0 && chunks.size() > static_cast<std::size_t>(options.max_chunks)) {
        chunks.resize(static_cast<std::size_t>(options.max_chunks));
    }
    ImatrixReport report;
    for (const auto& chunk : chunks) {
        BIOMEDQ_TRY(model->eval(chunk));
        if (!collector.unsupported().empty()) {
            return make_error(ErrorCode::kUnsupported,
                              options.model_path.string() + ": " + collector.unsupported());
        }
        report.n_tokens += chunk.size();
        if (options.on_progress) {
            options.on_progress("chunks", static_cast<std::size_t>(&chunk - chunks.data()) + 1,
                                chunks.size());
        }
    }
    report.n_chunks = chunks.size();
    fidelity::ImatrixMetadata metadata;
    metadata.datasets = options.datasets;
    metadata.chunk_count = static_cast<std::uint32_t>(chunks.size());
    metadata.chunk_size = static_cast<std::uint32_t>(options.ctx);
    BIOMEDQ_TRY(fidelity::write_imatrix_gguf(collector.entries(), metadata, out));
    report.path = out;
    report.n_entries = collector.entries().size();
    report.t_total_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start)
            .count();
    return report;
}

}  // namespace biomedq
