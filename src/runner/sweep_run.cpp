// run_sweep: quantize (cached) and evaluate every cell, skipping finished ones.
#include <fmt/format.h>

#include <optional>

#include "biomedq/sweep.h"
#include "runner/locked_eval.h"
#include "runner/run_lock.h"
#include "runner/sweep_fidelity.h"

namespace biomedq {
namespace {

// Quantizes the cell's model unless a complete file is already cached.
Result<bool> ensure_quantized(const SweepCell& cell) {
    if (cell.from_source) return false;
    if (std::filesystem::exists(cell.model_path) && check_gguf_file(cell.model_path).ok())
        return false;
    BIOMEDQ_ASSIGN(QuantType type, find_quant_type(cell.quant_type));
    std::error_code ec;
    std::filesystem::create_directories(cell.model_path.parent_path(), ec);
    if (ec) {
        return make_error(ErrorCode::kIo, cell.model_path.parent_path().string() +
                                              ": cannot create: " + ec.message());
    }
    auto report = quantize_model(cell.source_path, type, cell.model_path);
    if (!report.ok())
        return report.error().with_context("quantizing " + cell.source_path.string() + " to " +
                                           type.name);
    return true;
}

// One cell, as every path runs it (in-process sweep, a Slurm array task): quantize when missing,
// eval (resuming a half cell), fidelity (from the cache when there), then the caller's
// on_cell_finished. `text` is read on first need and kept for the next cell.
Status run_one_cell(const SweepSpec& spec, const SweepCell& cell, const std::string& tag,
                    const SweepCallbacks& callbacks, const std::atomic<bool>* cancel,
                    std::optional<runner::FidelityText>& text, SweepOutcome& outcome) {
    auto log = [&](const std::string& line) {
        if (callbacks.log) callbacks.log(line);
    };
    // Held from the finished-check to the store, so another sweep (or eval) on this cell's run
    // directory is refused instead of appending to the same sample log.
    auto cell_lock = runner::RunDirectoryLock::acquire(cell.run_dir, /*create_directory=*/true);
    if (!cell_lock.ok()) return cell_lock.error().with_context(cell.name());
    if (cell_finished(spec, cell)) {
        log(tag + ": finished earlier, skipped");
        ++outcome.n_skipped;
    } else {
        BIOMEDQ_ASSIGN(bool quantized, ensure_quantized(cell));
        if (quantized) {
            ++outcome.n_quantized;
            log(tag + ": quantized " + cell.model_path.string());
        }
        log(tag + ": running");
        auto run = runner::run_eval_holding_lock(cell_run_config(spec, cell), *cell_lock, cancel);
        if (!run.ok()) return run.error().with_context(cell.name());
        ++outcome.n_run;
    }
    if (spec.fidelity && !cell.from_source) {
        if (!text) {
            BIOMEDQ_ASSIGN(runner::FidelityText t, runner::sweep_fidelity_text(spec));
            text = std::move(t);
        }
        // A finished cell whose quantized file was deleted needs it again only when nothing is
        // cached.
        if (!std::filesystem::exists(fidelity_cache_path(cell, text->sha256))) {
            BIOMEDQ_ASSIGN(bool quantized, ensure_quantized(cell));
            if (quantized) ++outcome.n_quantized;
        }
        auto fidelity = runner::ensure_cell_fidelity(spec, cell, *text);
        if (!fidelity.ok()) return fidelity.error().with_context(cell.name());
        if (fidelity->measured_now) {
            ++outcome.n_fidelity_measured;
            log(tag + fmt::format(": fidelity KL {:.4f} nats, top-1 {:.1f}%",
                                  fidelity->fidelity.kl_mean,
                                  100.0 * fidelity->fidelity.top1_agreement));
        }
    }
    if (callbacks.on_cell_finished) {
        auto stored = callbacks.on_cell_finished(cell);
        if (!stored.ok()) return stored.error().with_context(cell.name());
    }
    return Status::success();
}

std::string cell_tag(std::size_t i, std::size_t n, const SweepCell& cell) {
    return "[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] " + cell.name();
}

Result<std::vector<SweepCell>> plan_with_index(const SweepSpec& spec, std::size_t index) {
    BIOMEDQ_ASSIGN(auto cells, plan_sweep(spec));
    if (index >= cells.size()) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("{}: cell {} does not exist; the sweep has cells 0 to {}",
                                      spec.file.string(), index, cells.size() - 1));
    }
    return cells;
}

}  // namespace

Result<SweepOutcome> run_sweep(const SweepSpec& spec, const SweepCallbacks& callbacks,
                               const std::atomic<bool>* cancel) {
    BIOMEDQ_ASSIGN(auto cells, plan_sweep(spec));
    SweepOutcome outcome;
    outcome.n_cells = static_cast<int>(cells.size());
    std::optional<runner::FidelityText> text;  // read once, when the first quantized cell needs it
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const auto& cell = cells[i];
        if (cancel && cancel->load()) {
            return make_error(ErrorCode::kCancelled,
                              "sweep interrupted before " + cell.name() + "; rerun to resume");
        }
        BIOMEDQ_TRY(run_one_cell(spec, cell, cell_tag(i, cells.size(), cell), callbacks, cancel,
                                 text, outcome));
    }
    return outcome;
}

Result<SweepOutcome> run_sweep_cell(const SweepSpec& spec, std::size_t index,
                                    const SweepCallbacks& callbacks,
                                    const std::atomic<bool>* cancel) {
    BIOMEDQ_ASSIGN(auto cells, plan_with_index(spec, index));
    SweepOutcome outcome;
    outcome.n_cells = 1;
    std::optional<runner::FidelityText> text;
    BIOMEDQ_TRY(run_one_cell(spec, cells[index], cell_tag(index, cells.size(), cells[index]),
                             callbacks, cancel, text, outcome));
    return outcome;
}

Result<SweepOutcome> prepare_sweep_cell_model(const SweepSpec& spec, std::size_t index,
                                              const SweepCallbacks& callbacks) {
    BIOMEDQ_ASSIGN(auto cells, plan_with_index(spec, index));
    const SweepCell& cell = cells[index];
    SweepOutcome outcome;
    const std::string tag = cell_tag(index, cells.size(), cell);
    auto log = [&](const std::string& line) {
        if (callbacks.log) callbacks.log(line);
    };
    BIOMEDQ_ASSIGN(bool quantized, ensure_quantized(cell));
    if (quantized) {
        ++outcome.n_quantized;
        log(tag + ": quantized " + cell.model_path.string());
    }
    if (spec.fidelity && !cell.from_source) {
        BIOMEDQ_ASSIGN(runner::FidelityText text, runner::sweep_fidelity_text(spec));
        if (!std::filesystem::exists(fidelity_cache_path(cell, text.sha256))) {
            auto fidelity = runner::measure_cached_fidelity(spec, cell, text);
            if (!fidelity.ok()) return fidelity.error().with_context(cell.name());
            if (fidelity->measured_now) ++outcome.n_fidelity_measured;
            log(tag + fmt::format(": fidelity KL {:.4f} nats, top-1 {:.1f}%",
                                  fidelity->fidelity.kl_mean,
                                  100.0 * fidelity->fidelity.top1_agreement));
        }
    }
    return outcome;
}

}  // namespace biomedq
