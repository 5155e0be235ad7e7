// Text to tokens with a model's tokenizer: one call, and a second one with room enough where the
// first guess (a token per byte, and some) was short.
#pragma once

#include <llama.h>

#include <string>
#include <vector>

namespace biomedq::llama {

// `add_special`: BOS/EOS as the model adds them; `parse_special`: control tokens written in the
// text become those tokens rather than their characters.
std::vector<llama_token> tokenize(const llama_vocab* vocab, const std::string& text,
                                  bool add_special, bool parse_special);

}  // namespace biomedq::llama
