// Fidelity per quantized sweep cell: measured once per (source, type, text), cached as JSON next to
// the quantized file, copied into each run directory for the store.
#include "runner/sweep_fidelity.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>

#include "biomedq/fidelity.h"
#include "biomedq/task.h"
#include "core/file_io.h"
#include "core/sha256.h"
#include "core/utc_time.h"

namespace biomedq {
namespace {

// Characters of text read per token wanted: biomedical text averages about 4 characters per token,
// so 8 leaves room for tokenizers with short tokens without loading a whole split for a small
// budget.
constexpr std::size_t kCharsPerToken = 8;

}  // namespace

std::filesystem::path fidelity_cache_path(const SweepCell& cell, const std::string& text_sha256) {
    auto p = cell.model_path;
    return p.replace_filename(cell.model_path.stem().string() + ".fidelity-" +
                              text_sha256.substr(0, 12) + ".json");
}

namespace runner {

Result<FidelityText> sweep_fidelity_text(const SweepSpec& spec) {
    const std::filesystem::path tasks_dir =
        spec.tasks_dir.empty() ? default_tasks_dir() : std::filesystem::path(spec.tasks_dir);
    const std::filesystem::path data_dir =
        spec.data_dir.empty() ? default_data_dir() : std::filesystem::path(spec.data_dir);
    const std::size_t want_chars = static_cast<std::size_t>(spec.fidelity_tokens) * kCharsPerToken;
    FidelityText out;
    std::string sources;
    for (const auto& task : spec.tasks) {
        if (out.text.size() >= want_chars) break;
        // The split the eval reads (run_eval: sample200 when the task declares it, else test).
        std::string split = spec.subset == "all" ? "test" : spec.subset;
        auto text = task_split_text(task, split, tasks_dir, data_dir);
        if (!text.ok() && text.error().code == ErrorCode::kNotFound && split != "test") {
            split = "test";
            text = task_split_text(task, split, tasks_dir, data_dir);
        }
        if (!text.ok()) return text.error().with_context("fidelity text");
        if (!out.text.empty()) out.text += "\n\n";
        out.text += text.value();
        sources += (sources.empty() ? "" : " + ") + task + "/" + split;
    }
    if (out.text.size() > want_chars) out.text.resize(want_chars);
    // Cutting may split a UTF-8 sequence: drop continuation bytes and a dangling lead byte at the
    // end.
    while (!out.text.empty() && (static_cast<unsigned char>(out.text.back()) & 0xC0) == 0x80)
        out.text.pop_back();
    if (!out.text.empty() && (static_cast<unsigned char>(out.text.back()) & 0xC0) == 0xC0)
        out.text.pop_back();
    out.description = fmt::format("{}, up to {} tokens (ctx {})", sources, spec.fidelity_tokens,
                                  spec.fidelity_ctx);
    out.sha256 = sha256_hex(
        fmt::format("tokens={}\nctx={}\n", spec.fidelity_tokens, spec.fidelity_ctx) + out.text);
    return out;
}

Result<CellFidelity> measure_cached_fidelity(const SweepSpec& spec, const SweepCell& cell,
                                             const FidelityText& text) {
    const auto cache = fidelity_cache_path(cell, text.sha256);
    CellFidelity out;
    bool cached = false;
    if (std::filesystem::exists(cache)) {
        // A damaged cache file (e.g. killed mid-write before atomic writes) is measured again, not
        // trusted.
        auto body = read_file(cache);
        if (body.ok()) {
            auto j = nlohmann::json::parse(body.value(), nullptr, false);
            auto parsed = quant_fidelity_from_json(j, cache.string());
            if (parsed.ok() && parsed->text_sha256 == text.sha256 &&
                parsed->source_sha256 == cell.source_sha256) {
                out.fidelity = std::move(parsed).value();
                cached = true;
            }
        }
    }
    if (!cached) {
        FidelityOptions options;
        options.ref_path = cell.source_path;
        options.model_path = cell.model_path;
        options.ctx = spec.fidelity_ctx;
        options.max_tokens = spec.fidelity_tokens;
        options.gpu_layers = spec.gpu_layers;
        auto report = measure_fidelity(options, text.text);
        if (!report.ok()) {
            return report.error().with_context("fidelity of " + cell.model_path.string() +
                                               " against " + cell.source_path.string());
        }
        BIOMEDQ_ASSIGN(std::string model_sha, sha256_file_cached(cell.model_path));
        QuantFidelity& f = out.fidelity;
        f.source_sha256 = cell.source_sha256;
        f.model_sha256 = model_sha;
        f.quant_type = cell.quant_type;
        f.text_sha256 = text.sha256;
        f.text_description = text.description;
        f.ctx = report->ctx;
        f.n_tokens = report->n_tokens_scored;
        f.n_chunks = report->n_chunks;
        f.kl_mean = report->kl.mean;
        f.kl_mean_se = report->kl.se;
        f.kl_median = report->kl_median;
        f.kl_p99 = report->kl_p99;
        f.kl_max = report->kl_max;
        f.top1_agreement = report->top1_agreement.mean;
        f.top1_se = report->top1_agreement.se;
        f.ppl_ratio = report->ppl_ratio.mean;
        f.ppl_ratio_se = report->ppl_ratio.se;
        f.measured_at = utc_timestamp_now();
        BIOMEDQ_TRY(write_file_atomic(cache, to_json(f).dump(2) + "\n"));
        out.measured_now = true;
    }
    return out;
}

Result<CellFidelity> ensure_cell_fidelity(const SweepSpec& spec, const SweepCell& cell,
                                          const FidelityText& text) {
    BIOMEDQ_ASSIGN(CellFidelity out, measure_cached_fidelity(spec, cell, text));
    std::error_code ec;
    std::filesystem::create_directories(cell.run_dir, ec);
    if (ec)
        return make_error(ErrorCode::kIo,
                          cell.run_dir.string() + ": cannot create: " + ec.message());
    BIOMEDQ_TRY(
        write_file_atomic(cell.run_dir / "fidelity.json", to_json(out.fidelity).dump(2) + "\n"));
    return out;
}

}  // namespace runner
}  // namespace biomedq
