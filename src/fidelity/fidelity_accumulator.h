// Collects per-position scores chunk by chunk and turns them into the report's statistics: means
// with cluster-robust standard errors over chunks, KL median / p99 / max.
#pragma once

#include <vector>

#include "biomedq/fidelity.h"
#include "fidelity/position_score.h"

namespace biomedq::fidelity {

class FidelityAccumulator {
public:
    void begin_chunk();
    void add(const PositionScore& score);
    // Fills the statistics fields of `report` (n_chunks, n_tokens_scored, kl*, top1, ppl*,
    // se_method).
    void finish(FidelityReport& report) const;

private:
    struct Sums {
        double n = 0, kl = 0, agree = 0, nll_ref = 0, nll_model = 0, diff = 0;
        double kl2 = 0, agree2 = 0, nll_ref2 = 0, nll_model2 = 0, diff2 = 0;
    };
    std::vector<Sums> chunks_;
    std::vector<double> kl_values_;
};

// Mean and standard error from per-chunk sums (sum, sum of squares, count): cluster-robust with two
// or more chunks, per-token i.i.d. with one. Exposed for tests.
MeanWithError mean_with_error(const std::vector<double>& chunk_sums,
                              const std::vector<double>& chunk_sums_sq,
                              const std::vector<double>& chunk_counts);

// Nearest-rank percentile (q in (0, 1]) and median of unsorted values; 0 for no values.
double percentile_nearest_rank(std::vector<double> values, double q);
double median(std::vector<double> values);

}  // namespace biomedq::fidelity
