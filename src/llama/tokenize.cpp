#include "llama/tokenize.h"

#include <algorithm>

namespace biomedq::llama {

std::vector<llama_token> tokenize(const llama_vocab* vocab, const std::string& text,
                                  bool add_special, bool parse_special) {
    const auto len = static_cast<int32_t>(text.size());
    std::vector<llama_token> tokens(text.size() + 8);
    int32_t n = llama_tokenize(vocab, text.data(), len, tokens.data(),
                               static_cast<int32_t>(tokens.size()), add_special, parse_special);
    if (n < 0) {
        tokens.resize(static_cast<size_t>(-n));
        n = llama_tokenize(vocab, text.data(), len, tokens.data(),
                           static_cast<int32_t>(tokens.size()), add_special, parse_special);
    }
    tokens.resize(static_cast<size_t>(std::max(n, 0)));
    return tokens;
}

}  // namespace biomedq::llama
