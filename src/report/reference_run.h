// Pairing a run with its model's full-precision run, and the paired bootstrap between them. The
// report and recommend both compare through here, so they agree on every difference.
#pragma once

#include <vector>

#include "biomedq/metrics.h"
#include "biomedq/store.h"

namespace biomedq::report {

// The full-precision run of the same model with the same prompt, subset, seed and limit (the
// highest bits per weight when there are several), or nullptr. A full-precision run is its own.
const StoredRun* full_precision_reference(const std::vector<StoredRun>& runs, const StoredRun& run);

struct PairedResult {
    PairedDifference difference;  // on the primary metric: b (the run) - a (the reference)
    int n_paired = 0;
};

// Paired bootstrap on the examples both tasks finished (by example id, in the run's index order).
// A task pair with no shared example gives n_paired 0 and a zero difference.
Result<PairedResult> paired_against_reference(const StoredTask& reference, const StoredTask& task,
                                              int resamples, std::uint64_t seed);

}  // namespace biomedq::report
