// Splitting a token stream into the evaluation chunks both models read.
#pragma once

#include <cstdint>
#include <vector>

namespace biomedq::fidelity {

using TokenId = std::int32_t;

// Chunks of at most `ctx` tokens: BOS first when `bos` >= 0, then the next text tokens. At most
// `max_tokens` text tokens are used (0 = all). With `full_only`, a trailing partial chunk is
// dropped (imatrix); otherwise it is kept when it holds at least two tokens (one scored position).
std::vector<std::vector<TokenId>> split_into_chunks(const std::vector<TokenId>& text_tokens,
                                                    int ctx, TokenId bos, int max_tokens,
                                                    bool full_only);

}  // namespace biomedq::fidelity
