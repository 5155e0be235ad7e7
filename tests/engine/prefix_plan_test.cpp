#include "engine/prefix_plan.h"

#include <gtest/gtest.h>

#include <numeric>
#include <set>

namespace biomedq::engine {
namespace {

using Tokens = std::vector<std::int32_t>;

// A prompt: `shared` tokens 1..shared, then `tail` tokens from `first`.
Tokens prompt(int shared, int first, int tail) {
    Tokens t(static_cast<std::size_t>(shared));
    std::iota(t.begin(), t.end(), 1);
    for (int i = 0; i < tail; ++i) t.push_back(first + i);
    return t;
}

PrefixPlan plan(const std::vector<Tokens>& prompts, bool reuse = true) {
    std::vector<std::span<const std::int32_t>> spans(prompts.begin(), prompts.end());
    std::vector<std::size_t> max_shared;
    for (const Tokens& p : prompts) max_shared.push_back(p.size() - 1);
    return plan_prefix_reuse(spans, max_shared, reuse);
}

// Distinct prefixes of the prompts: what decoding each shared token once costs at the least.
std::uint64_t trie_nodes(const std::vector<Tokens>& prompts) {
    std::set<Tokens> prefixes;
    for (const Tokens& p : prompts) {
        for (std::size_t n = 1; n <= p.size(); ++n) prefixes.emplace(p.begin(), p.begin() + n);
    }
    return prefixes.size();
}

TEST(PrefixPlan, ACommonInstructionIsComputedOnce) {
    const std::vector<Tokens> prompts = {prompt(100, 1000, 20), prompt(100, 2000, 30),
                                         prompt(100, 3000, 10)};
    const PrefixPlan p = plan(prompts);
    EXPECT_EQ(p.n_tokens_submitted, 360u);
    EXPECT_EQ(p.n_tokens_computed, 160u);  // 100 once + 20 + 30 + 10
    ASSERT_EQ(p.steps.size(), 3u);
    for (const PrefixStep& step : p.steps) EXPECT_EQ(step.shared, 100u);
    EXPECT_EQ(p.steps[0].keep, 0u);  // the first request extends the stream from nothing
    EXPECT_EQ(p.steps[1].keep, 100u);
}

TEST(PrefixPlan, ComputesExactlyTheDistinctPrefixesOfNestedGroups) {
    // Multiple choice: an instruction shared by all, a question shared by its options.
    std::vector<Tokens> prompts;
    for (int q = 0; q < 4; ++q) {
        for (int option = 0; option < 5; ++option) {
            Tokens t = prompt(50, 100 * (q + 1), 30);
            t.push_back(10000 + option);
            prompts.push_back(t);
        }
    }
    const PrefixPlan p = plan(prompts);
    EXPECT_EQ(p.n_tokens_computed, trie_nodes(prompts));
    EXPECT_EQ(p.n_tokens_submitted, 20u * 81u);
}

TEST(PrefixPlan, EveryRequestIsPlannedOnceAndSortedNeighboursShare) {
    const std::vector<Tokens> prompts = {prompt(40, 500, 5), prompt(10, 900, 40),
                                         prompt(40, 700, 5), prompt(10, 950, 40),
                                         prompt(40, 600, 5)};
    const PrefixPlan p = plan(prompts);
    std::set<std::size_t> seen;
    for (const PrefixStep& step : p.steps) {
        seen.insert(step.request);
        EXPECT_LE(step.keep, step.shared);
        EXPECT_LT(step.shared, prompts[step.request].size());
    }
    EXPECT_EQ(seen.size(), prompts.size());
    EXPECT_EQ(p.n_tokens_computed, trie_nodes(prompts));
}

TEST(PrefixPlan, EachRequestKeepsAtLeastTheTokensItMustDecode) {
    // Identical prompts and a prompt that is a prefix of another.
    const std::vector<Tokens> prompts = {prompt(30, 0, 0), prompt(30, 0, 0), prompt(30, 77, 3)};
    const PrefixPlan p = plan(prompts);
    for (const PrefixStep& step : p.steps) EXPECT_LT(step.shared, prompts[step.request].size());
    // The two equal prompts share 29 tokens and each decodes its last; the longer prompt shares
    // all 30 (one more for the stream) and decodes its 3 own.
    EXPECT_EQ(p.n_tokens_computed, 29u + 1 + 1 + 1 + 3);
}

TEST(PrefixPlan, ShortSharedPrefixesAreNotWorthACopy) {
    const std::vector<Tokens> prompts = {prompt(kMinSharedTokens - 1, 100, 10),
                                         prompt(kMinSharedTokens - 1, 200, 10)};
    const PrefixPlan p = plan(prompts);
    for (const PrefixStep& step : p.steps) EXPECT_EQ(step.shared, 0u);
    EXPECT_EQ(p.n_tokens_computed, p.n_tokens_submitted);
}

TEST(PrefixPlan, WithoutReuseTheOrderIsTheSameAndNothingIsShared) {
    const std::vector<Tokens> prompts = {prompt(100, 3000, 10), prompt(100, 1000, 20),
                                         prompt(20, 5000, 10)};
    const PrefixPlan on = plan(prompts, true);
    const PrefixPlan off = plan(prompts, false);
    ASSERT_EQ(on.steps.size(), off.steps.size());
    for (std::size_t k = 0; k < on.steps.size(); ++k) {
        EXPECT_EQ(on.steps[k].request, off.steps[k].request);
        EXPECT_EQ(off.steps[k].shared, 0u);
    }
    EXPECT_EQ(off.n_tokens_computed, off.n_tokens_submitted);
    EXPECT_LT(on.n_tokens_computed, off.n_tokens_computed);
}

TEST(PrefixPlan, NoRequestsIsAnEmptyPlan) {
    const PrefixPlan p = plan({});
    EXPECT_TRUE(p.steps.empty());
    EXPECT_EQ(p.n_tokens_computed, 0u);
}

}  // namespace
}  // namespace biomedq::engine
