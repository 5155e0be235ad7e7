// The fidelity step of a sweep: the task text quantized models are compared on, and the measured
// (or cached) fidelity of one quantized cell against its source.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "biomedq/sweep.h"

namespace biomedq::runner {

struct FidelityText {
    std::string text;
    std::string sha256;  // of text, tokens and ctx: a different budget is a different measurement
    std::string description;  // "pubmedqa/sample200 + ddi/sample200, up to 4096 tokens (ctx 512)"
};

// The evaluated split of each sweep task (sample200 when declared, else test), in task order, until
// the text is long enough for spec.fidelity_tokens tokens. Errors: those of task_split_text.
Result<FidelityText> sweep_fidelity_text(const SweepSpec& spec);

struct CellFidelity {
    QuantFidelity fidelity;
    bool measured_now = false;  // false: read from the cache
};

// For a quantized cell whose model file exists: the cached fidelity for this text, or a new
// measurement (written to the cache). Errors: those of measure_fidelity (with the models named),
// kIo.
Result<CellFidelity> measure_cached_fidelity(const SweepSpec& spec, const SweepCell& cell,
                                             const FidelityText& text);

// As measure_cached_fidelity; then copies it to <run_dir>/fidelity.json for the store's import.
// For a quantized cell whose model file exists: the cached fidelity for this text, or a new
// measurement (written to the cache). Then copies it to <run_dir>/fidelity.json for the store's
// import. Errors: those of measure_fidelity (with the cell's models named), kIo.
Result<CellFidelity> ensure_cell_fidelity(const SweepSpec& spec, const SweepCell& cell,
                                          const FidelityText& text);

}  // namespace biomedq::runner
