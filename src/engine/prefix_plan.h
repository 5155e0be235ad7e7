// Prefix reuse, planned before any decoding: most prompt tokens of an evaluation are repeated
// (every prompt of a task opens with the same instruction and chat header, fixed few-shot examples
// follow, and the options of a multiple-choice question share the question). The plan orders the
// requests so that prompts sharing a prefix are neighbours (lexicographic order of their tokens)
// and moves one cursor, the prefix stream, through them: before a request starts, the stream is cut
// back to what it shares with the request (`keep`) and extended with the request's own tokens up to
// `shared`, the part the request's next neighbour also starts with. The request then starts from a
// copy of the stream and decodes only tokens[shared:]. Every distinct prefix token is decoded once,
// as in a trie of the prompts, whatever the number of sequences decoded together.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace biomedq::engine {

struct PrefixStep {
    std::size_t request = 0;  // index into the planned prompts
    std::size_t keep = 0;     // the stream is cut back to this many tokens first
    std::size_t shared = 0;   // then holds tokens[0:shared] of this request; 0: not used
};

struct PrefixPlan {
    std::vector<PrefixStep> steps;         // every request once, in the order to start them
    std::uint64_t n_tokens_submitted = 0;  // sum of the prompts' lengths
    std::uint64_t n_tokens_computed = 0;   // tokens decoded: the stream's plus the requests' own
};

// Below this many shared tokens a request decodes its whole prompt: copying the prefix stream (a
// whole KV stream of the context) would cost more than the few tokens it saves.
inline constexpr std::size_t kMinSharedTokens = 8;

// `max_shared[i]` caps what prompt i may take from the stream: generation must decode at least its
// last prompt token (for the logits of its first answer token), log-likelihood every position that
// predicts a continuation token. With `reuse` false the order is the same and nothing is shared,
// so the two modes differ only in what is reused.
PrefixPlan plan_prefix_reuse(const std::vector<std::span<const std::int32_t>>& prompts,
                             const std::vector<std::size_t>& max_shared, bool reuse,
                             std::size_t min_shared = kMinSharedTokens);

}  // namespace biomedq::engine
