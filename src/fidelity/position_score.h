// Per-position comparison of two next-token distributions given as logits (in-process) or as the
// reference file's quantized log-probs (streamed). Pure functions: tests pin them on hand-computed
// distributions.
#pragma once

#include <cstdint>
#include <vector>

namespace biomedq::fidelity {

struct PositionScore {
    double kl = 0.0;  // KL(P_ref || P_model), nats
    bool top1_agree = false;
    double nll_ref = 0.0;    // -log P_ref(next token)
    double nll_model = 0.0;  // -log P_model(next token)
};

// log(sum(exp(logits))) in double, stable; and the first index of the maximum.
double log_sum_exp(const float* logits, int n_vocab);
int argmax(const float* logits, int n_vocab);

// Both distributions as raw logits. Identical logits give exactly kl == 0.
PositionScore score_logits(const float* ref_logits, const float* model_logits, int n_vocab,
                           int next_token);

// The reference position as stored in the reference file (see reference_file_bytes in fidelity.h).
inline constexpr float kLogProbRange = 24.0f;  // nats below the maximum log-prob that are kept
inline constexpr float kLogProbStep = kLogProbRange / 65535.0f;

struct QuantizedReference {
    std::int32_t argmax = 0;
    float logprob_next = 0.0f;         // exact
    float logprob_max = 0.0f;          // exact
    std::vector<std::uint16_t> codes;  // n_vocab codes: logprob = max - range + code * step
};

// Quantizes one position's reference logits (log-softmax first).
QuantizedReference quantize_reference(const float* ref_logits, int n_vocab, int next_token);

// The comparison against a stored reference: the dequantized log-probs are renormalized before KL;
// agreement and the reference NLL use the exact stored values.
PositionScore score_quantized(const QuantizedReference& ref, const float* model_logits, int n_vocab,
                              int next_token);

}  // namespace biomedq::fidelity
