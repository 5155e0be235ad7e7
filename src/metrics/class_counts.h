// Per-class tp/fp/fn slots shared by single-label and multi-label metrics, and the averages over
// them. Layout for K listed classes plus the outside bucket (class index K):
//   tp(c) = 3c, fp(c) = 3c+1, fn(c) = 3c+2 for c in [0, K]; slots from 3(K+1) on are the caller's.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "prf.h"

namespace biomedq::metrics {

inline std::size_t tp_slot(std::size_t c) { return 3 * c; }
inline std::size_t fp_slot(std::size_t c) { return 3 * c + 1; }
inline std::size_t fn_slot(std::size_t c) { return 3 * c + 2; }
inline std::size_t first_free_slot(std::size_t n_classes) { return 3 * (n_classes + 1); }

// Unweighted mean F1 over the listed classes [0, K). A class with tp+fp+fn == 0 (no gold support,
// never predicted) has undefined F1 and is left out of the mean rather than counted as 0, so a
// bootstrap resample that happens to miss a rare class is not penalised for it; other zero
// denominators are 0 (sklearn zero_division=0). No class left -> 0.
inline double macro_f1_over_classes(const std::vector<double>& t, std::size_t n_classes) {
    double sum = 0.0;
    int n_scored = 0;
    for (std::size_t c = 0; c < n_classes; ++c) {
        const double tp = t[tp_slot(c)], fp = t[fp_slot(c)], fn = t[fn_slot(c)];
        if (tp + fp + fn == 0.0) continue;
        sum += prf_from_counts(tp, fp, fn).f1;
        ++n_scored;
    }
    return safe_ratio(sum, n_scored);
}

// Micro P/R/F1 from counts summed over classes [0, K] (outside bucket included), skipping
// `excluded`.
inline Prf micro_prf_over_classes(const std::vector<double>& t, std::size_t n_classes,
                                  std::optional<std::size_t> excluded = std::nullopt) {
    double tp = 0.0, fp = 0.0, fn = 0.0;
    for (std::size_t c = 0; c <= n_classes; ++c) {
        if (excluded && c == *excluded) continue;
        tp += t[tp_slot(c)];
        fp += t[fp_slot(c)];
        fn += t[fn_slot(c)];
    }
    return prf_from_counts(tp, fp, fn);
}

}  // namespace biomedq::metrics
