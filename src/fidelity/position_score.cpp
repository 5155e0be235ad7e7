#include "fidelity/position_score.h"

#include <algorithm>
#include <cmath>

namespace biomedq::fidelity {

double log_sum_exp(const float* logits, int n_vocab) {
    float max = logits[0];
    for (int i = 1; i < n_vocab; ++i) max = std::max(max, logits[i]);
    double sum = 0.0;
    for (int i = 0; i < n_vocab; ++i) sum += std::exp(static_cast<double>(logits[i]) - max);
    return static_cast<double>(max) + std::log(sum);
}

int argmax(const float* logits, int n_vocab) {
    int best = 0;
    for (int i = 1; i < n_vocab; ++i) {
        if (logits[i] > logits[best]) best = i;
    }
    return best;
}

PositionScore score_logits(const float* ref_logits, const float* model_logits, int n_vocab,
                           int next_token) {
    const double lse_ref = log_sum_exp(ref_logits, n_vocab);
    const double lse_model = log_sum_exp(model_logits, n_vocab);
    double kl = 0.0;
    for (int i = 0; i < n_vocab; ++i) {
        const double lp_ref = static_cast<double>(ref_logits[i]) - lse_ref;
        const double lp_model = static_cast<double>(model_logits[i]) - lse_model;
        kl += std::exp(lp_ref) * (lp_ref - lp_model);
    }
    PositionScore s;
    s.kl = kl;
    s.top1_agree = argmax(ref_logits, n_vocab) == argmax(model_logits, n_vocab);
    s.nll_ref = lse_ref - static_cast<double>(ref_logits[next_token]);
    s.nll_model = lse_model - static_cast<double>(model_logits[next_token]);
    return s;
}

QuantizedReference quantize_reference(const float* ref_logits, int n_vocab, int next_token) {
    const double lse = log_sum_exp(ref_logits, n_vocab);
    QuantizedReference q;
    q.argmax = argmax(ref_logits, n_vocab);
    q.logprob_next = static_cast<float>(static_cast<double>(ref_logits[next_token]) - lse);
    q.logprob_max = static_cast<float>(static_cast<double>(ref_logits[q.argmax]) - lse);
    const double floor = static_cast<double>(q.logprob_max) - kLogProbRange;
    q.codes.resize(static_cast<std::size_t>(n_vocab));
    for (int i = 0; i < n_vocab; ++i) {
        const double lp = static_cast<double>(ref_logits[i]) - lse;
        const double code = std::nearbyint((lp - floor) / kLogProbStep);
        q.codes[static_cast<std::size_t>(i)] =
            static_cast<std::uint16_t>(std::clamp(code, 0.0, 65535.0));
    }
    return q;
}

PositionScore score_quantized(const QuantizedReference& ref, const float* model_logits, int n_vocab,
                              int next_token) {
    const double floor = static_cast<double>(ref.logprob_max) - kLogProbRange;
    // Renormalize the dequantized log-probs so they describe a distribution (rounding moves the sum
    // of probabilities off 1 by up to ~1.8e-4 relative).
    double sum = 0.0;
    for (int i = 0; i < n_vocab; ++i) {
        sum += std::exp(floor +
                        ref.codes[static_cast<std::size_t>(i)] * static_cast<double>(kLogProbStep));
    }
    const double log_norm = std::log(sum);
    const double lse_model = log_sum_exp(model_logits, n_vocab);
    double kl = 0.0;
    for (int i = 0; i < n_vocab; ++i) {
        const double lp_ref =
            floor + ref.codes[static_cast<std::size_t>(i)] * static_cast<double>(kLogProbStep) -
            log_norm;
        const double lp_model = static_cast<double>(model_logits[i]) - lse_model;
        kl += std::exp(lp_ref) * (lp_ref - lp_model);
    }
    PositionScore s;
    s.kl = kl;
    s.top1_agree = ref.argmax == argmax(model_logits, n_vocab);
    s.nll_ref = -static_cast<double>(ref.logprob_next);
    s.nll_model = lse_model - static_cast<double>(model_logits[next_token]);
    return s;
}

}  // namespace biomedq::fidelity
