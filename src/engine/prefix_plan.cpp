#include "engine/prefix_plan.h"

#include <algorithm>
#include <numeric>

namespace biomedq::engine {
namespace {

using Tokens = std::span<const std::int32_t>;

std::size_t common_prefix(Tokens a, Tokens b) {
    const auto [end_a, end_b] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
    return static_cast<std::size_t>(end_a - a.begin());
}

// Request indices in lexicographic order of their tokens (ties keep the request order), so that
// prompts sharing a prefix are neighbours and the prefix of a run of them is their common one.
std::vector<std::size_t> prefix_order(const std::vector<Tokens>& prompts) {
    std::vector<std::size_t> order(prompts.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::lexicographical_compare(prompts[a].begin(), prompts[a].end(),
                                            prompts[b].begin(), prompts[b].end());
    });
    return order;
}

}  // namespace

PrefixPlan plan_prefix_reuse(const std::vector<Tokens>& prompts,
                             const std::vector<std::size_t>& max_shared, bool reuse,
                             std::size_t min_shared) {
    PrefixPlan plan;
    const std::vector<std::size_t> order = prefix_order(prompts);
    // with_next[k]: tokens the k-th request in order shares with the (k+1)-th.
    std::vector<std::size_t> with_next(order.size(), 0);
    for (std::size_t k = 0; k + 1 < order.size(); ++k)
        with_next[k] = common_prefix(prompts[order[k]], prompts[order[k + 1]]);

    Tokens stream;  // what the prefix stream holds: a prefix of an earlier request
    for (std::size_t k = 0; k < order.size(); ++k) {
        const std::size_t request = order[k];
        const Tokens prompt = prompts[request];
        const std::size_t with_previous = k > 0 ? with_next[k - 1] : 0;
        std::size_t shared = std::min(std::max(with_previous, with_next[k]), max_shared[request]);
        if (!reuse || shared < min_shared) shared = 0;
        PrefixStep step{request, 0, shared};
        plan.n_tokens_submitted += prompt.size();
        if (shared > 0) {
            step.keep = std::min(common_prefix(stream, prompt), shared);
            plan.n_tokens_computed += shared - step.keep;  // the stream's extension
            stream = prompt.first(shared);
        }
        plan.n_tokens_computed += prompt.size() - shared;
        plan.steps.push_back(step);
    }
    return plan;
}

}  // namespace biomedq::engine
