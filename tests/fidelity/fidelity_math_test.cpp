// The pure parts of the fidelity measurement, pinned on hand-computed values.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "fidelity/fidelity_accumulator.h"
#include "fidelity/imatrix_collector.h"
#include "fidelity/position_score.h"
#include "fidelity/token_chunks.h"

namespace biomedq::fidelity {
namespace {

TEST(PositionScore, KlAgreementAndNllOfHandComputedDistributions) {
    // P_ref = (1/2, 1/4, 1/4), P_model = (1/4, 1/2, 1/4); logits shifted by +3 (softmax ignores
    // it).
    const float ref[] = {std::log(0.5f) + 3, std::log(0.25f) + 3, std::log(0.25f) + 3};
    const float model[] = {std::log(0.25f), std::log(0.5f), std::log(0.25f)};
    const PositionScore s = score_logits(ref, model, 3, /*next_token=*/2);
    // KL = 1/2 ln(2) + 1/4 ln(1/2) + 0 = ln(2)/4
    EXPECT_NEAR(s.kl, std::log(2.0) / 4, 1e-7);
    EXPECT_FALSE(s.top1_agree);  // argmax 0 vs 1
    EXPECT_NEAR(s.nll_ref, std::log(4.0), 1e-6);
    EXPECT_NEAR(s.nll_model, std::log(4.0), 1e-6);
}

TEST(PositionScore, IdenticalLogitsGiveExactlyZero) {
    const float logits[] = {0.3f, -1.2f, 2.5f, 0.0f};
    const PositionScore s = score_logits(logits, logits, 4, 0);
    EXPECT_EQ(s.kl, 0.0);
    EXPECT_TRUE(s.top1_agree);
    EXPECT_EQ(s.nll_ref, s.nll_model);
}

TEST(PositionScore, QuantizedReferenceMatchesExactWithinRoundingBound) {
    std::vector<float> ref(1000), model(1000);
    for (int i = 0; i < 1000; ++i) {
        ref[static_cast<std::size_t>(i)] = static_cast<float>(std::sin(i * 0.37) * 3.0);
        model[static_cast<std::size_t>(i)] =
            static_cast<float>(std::sin(i * 0.37) * 3.0 + 0.2 * std::cos(i));
    }
    const PositionScore exact = score_logits(ref.data(), model.data(), 1000, 7);
    const QuantizedReference q = quantize_reference(ref.data(), 1000, 7);
    const PositionScore streamed = score_quantized(q, model.data(), 1000, 7);
    EXPECT_GT(exact.kl, 1e-3);
    EXPECT_NEAR(streamed.kl, exact.kl, 1e-5);
    EXPECT_EQ(streamed.top1_agree, exact.top1_agree);
    EXPECT_NEAR(streamed.nll_ref, exact.nll_ref, 1e-6);  // stored exactly (as float)
    EXPECT_EQ(streamed.nll_model, exact.nll_model);
    EXPECT_EQ(q.codes[static_cast<std::size_t>(q.argmax)], 65535);  // the maximum is the top code
}

TEST(MeanWithError, ClusterRobustOverChunks) {
    // Chunks of 2 tokens with sums 2 and 4: mean 1.5; residuals -1, +1; se = sqrt(2/1 * 2) / 4 =
    // 0.5
    const MeanWithError m = mean_with_error({2, 4}, {2, 8}, {2, 2});
    EXPECT_DOUBLE_EQ(m.mean, 1.5);
    EXPECT_DOUBLE_EQ(m.se, 0.5);
}

TEST(MeanWithError, PerTokenWithOneChunk) {
    // Values 1, 2, 3: mean 2, sample variance 1, se = sqrt(1/3)
    const MeanWithError m = mean_with_error({6}, {14}, {3});
    EXPECT_DOUBLE_EQ(m.mean, 2.0);
    EXPECT_NEAR(m.se, std::sqrt(1.0 / 3.0), 1e-15);
}

TEST(Percentiles, NearestRankAndMedian) {
    std::vector<double> v(100);
    std::iota(v.begin(), v.end(), 1.0);
    EXPECT_EQ(percentile_nearest_rank(v, 0.99), 99.0);
    EXPECT_EQ(percentile_nearest_rank({5.0}, 0.99), 5.0);
    EXPECT_EQ(median({3, 1, 2, 4}), 2.5);
    EXPECT_EQ(median({3, 1, 2}), 2.0);
}

TEST(Accumulator, ReportsPerplexitiesAndRatio) {
    FidelityAccumulator acc;
    acc.begin_chunk();
    acc.add({0.1, true, 1.0, 1.5});
    acc.add({0.3, false, 2.0, 2.5});
    FidelityReport r;
    acc.finish(r);
    EXPECT_EQ(r.n_tokens_scored, 2u);
    EXPECT_EQ(r.se_method, "per_token");
    EXPECT_DOUBLE_EQ(r.kl.mean, 0.2);
    EXPECT_DOUBLE_EQ(r.kl_max, 0.3);
    EXPECT_DOUBLE_EQ(r.kl_median, 0.2);
    EXPECT_DOUBLE_EQ(r.top1_agreement.mean, 0.5);
    EXPECT_DOUBLE_EQ(r.ppl_ref.mean, std::exp(1.5));
    EXPECT_DOUBLE_EQ(r.ppl_model.mean, std::exp(2.0));
    EXPECT_DOUBLE_EQ(r.ppl_ratio.mean, std::exp(0.5));
    EXPECT_DOUBLE_EQ(r.ppl_ratio.se, 0.0);  // the paired difference is constant
}

TEST(Chunks, BosFirstAndPartialTail) {
    std::vector<TokenId> t(10);
    std::iota(t.begin(), t.end(), 1);
    const auto c = split_into_chunks(t, 4, 0, 0, false);
    ASSERT_EQ(c.size(), 4u);
    EXPECT_EQ(c[0], (std::vector<TokenId>{0, 1, 2, 3}));
    EXPECT_EQ(c[2], (std::vector<TokenId>{0, 7, 8, 9}));
    EXPECT_EQ(c[3], (std::vector<TokenId>{0, 10}));
    EXPECT_EQ(split_into_chunks(t, 4, 0, 0, true).size(), 3u);
    const auto limited = split_into_chunks(t, 4, 0, 5, false);
    ASSERT_EQ(limited.size(), 2u);
    EXPECT_EQ(limited[1], (std::vector<TokenId>{0, 4, 5}));
    const auto no_bos = split_into_chunks(t, 4, -1, 0, false);
    ASSERT_EQ(no_bos.size(), 3u);
    EXPECT_EQ(no_bos[2], (std::vector<TokenId>{9, 10}));
}

TEST(ImatrixCollector, WeightNameDropsBackendDecorations) {
    EXPECT_EQ(ImatrixCollector::weight_name("blk.0.attn_q.weight"), "blk.0.attn_q.weight");
    EXPECT_EQ(ImatrixCollector::weight_name("CUDA0#blk.3.ffn_up.weight#0"), "blk.3.ffn_up.weight");
    EXPECT_EQ(ImatrixCollector::weight_name("CPU#blk.1.attn_k.weight"), "blk.1.attn_k.weight");
}

}  // namespace
}  // namespace biomedq::fidelity
