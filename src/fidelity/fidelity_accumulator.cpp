#include "fidelity/fidelity_accumulator.h"

#include <algorithm>
#include <cmath>

namespace biomedq::fidelity {

MeanWithError mean_with_error(const std::vector<double>& chunk_sums,
                              const std::vector<double>& chunk_sums_sq,
                              const std::vector<double>& chunk_counts) {
    double n = 0, sum = 0, sum_sq = 0;
    for (std::size_t c = 0; c < chunk_sums.size(); ++c) {
        n += chunk_counts[c];
        sum += chunk_sums[c];
        sum_sq += chunk_sums_sq[c];
    }
    MeanWithError out;
    if (n <= 0) return out;
    out.mean = sum / n;
    const auto n_chunks = static_cast<double>(chunk_sums.size());
    if (chunk_sums.size() >= 2) {
        double acc = 0;
        for (std::size_t c = 0; c < chunk_sums.size(); ++c) {
            const double r = chunk_sums[c] - chunk_counts[c] * out.mean;
            acc += r * r;
        }
        out.se = std::sqrt(n_chunks / (n_chunks - 1) * acc) / n;
    } else if (n >= 2) {
        const double var = std::max(0.0, (sum_sq - n * out.mean * out.mean) / (n - 1));
        out.se = std::sqrt(var / n);
    }
    return out;
}

double percentile_nearest_rank(std::vector<double> values, double q) {
    if (values.empty()) return 0.0;
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
    const std::size_t index = std::clamp<std::size_t>(rank, 1, values.size()) - 1;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index),
                     values.end());
    return values[index];
}

double median(std::vector<double> values) {
    if (values.empty()) return 0.0;
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

void FidelityAccumulator::begin_chunk() { chunks_.emplace_back(); }

void FidelityAccumulator::add(const PositionScore& score) {
    if (chunks_.empty()) begin_chunk();
    Sums& s = chunks_.back();
    const double agree = score.top1_agree ? 1.0 : 0.0;
    const double diff = score.nll_model - score.nll_ref;
    s.n += 1;
    s.kl += score.kl;
    s.kl2 += score.kl * score.kl;
    s.agree += agree;
    s.agree2 += agree;
    s.nll_ref += score.nll_ref;
    s.nll_ref2 += score.nll_ref * score.nll_ref;
    s.nll_model += score.nll_model;
    s.nll_model2 += score.nll_model * score.nll_model;
    s.diff += diff;
    s.diff2 += diff * diff;
    kl_values_.push_back(score.kl);
}

void FidelityAccumulator::finish(FidelityReport& report) const {
    std::vector<double> counts;
    for (const auto& c : chunks_) {
        if (c.n > 0) counts.push_back(c.n);
    }
    auto stat = [&](double Sums::*sum, double Sums::*sum_sq) {
        std::vector<double> sums, sums_sq;
        for (const auto& c : chunks_) {
            if (c.n <= 0) continue;
            sums.push_back(c.*sum);
            sums_sq.push_back(c.*sum_sq);
        }
        return mean_with_error(sums, sums_sq, counts);
    };
    report.n_chunks = counts.size();
    report.n_tokens_scored = kl_values_.size();
    report.se_method = counts.size() >= 2 ? "cluster_over_chunks" : "per_token";
    report.kl = stat(&Sums::kl, &Sums::kl2);
    report.kl_median = median(kl_values_);
    report.kl_p99 = percentile_nearest_rank(kl_values_, 0.99);
    report.kl_max =
        kl_values_.empty() ? 0.0 : *std::max_element(kl_values_.begin(), kl_values_.end());
    report.top1_agreement = stat(&Sums::agree, &Sums::agree2);
    const MeanWithError nll_ref = stat(&Sums::nll_ref, &Sums::nll_ref2);
    const MeanWithError nll_model = stat(&Sums::nll_model, &Sums::nll_model2);
    const MeanWithError diff = stat(&Sums::diff, &Sums::diff2);
    report.mean_nll_ref = nll_ref.mean;
    report.mean_nll_model = nll_model.mean;
    // Delta method: d exp(x) = exp(x) dx.
    report.ppl_ref = {std::exp(nll_ref.mean), std::exp(nll_ref.mean) * nll_ref.se};
    report.ppl_model = {std::exp(nll_model.mean), std::exp(nll_model.mean) * nll_model.se};
    report.ppl_ratio = {std::exp(diff.mean), std::exp(diff.mean) * diff.se};
}

}  // namespace biomedq::fidelity
