#include "fidelity/token_chunks.h"

#include <algorithm>

namespace biomedq::fidelity {

std::vector<std::vector<TokenId>> split_into_chunks(const std::vector<TokenId>& text_tokens,
                                                    int ctx, TokenId bos, int max_tokens,
                                                    bool full_only) {
    std::vector<std::vector<TokenId>> chunks;
    const std::size_t per_chunk = static_cast<std::size_t>(ctx) - (bos >= 0 ? 1 : 0);
    std::size_t n_text = text_tokens.size();
    if (max_tokens > 0)
        n_text = std::min<std::size_t>(n_text, static_cast<std::size_t>(max_tokens));
    if (per_chunk == 0) return chunks;
    for (std::size_t begin = 0; begin < n_text; begin += per_chunk) {
        const std::size_t end = std::min(n_text, begin + per_chunk);
        if (full_only && end - begin < per_chunk) break;
        std::vector<TokenId> chunk;
        chunk.reserve(static_cast<std::size_t>(ctx));
        if (bos >= 0) chunk.push_back(bos);
        chunk.insert(chunk.end(), text_tokens.begin() + static_cast<std::ptrdiff_t>(begin),
                     text_tokens.begin() + static_cast<std::ptrdiff_t>(end));
        if (chunk.size() < 2) break;
        chunks.push_back(std::move(chunk));
    }
    return chunks;
}

}  // namespace biomedq::fidelity
