// Chat templates for synthesized models whose vocab file carries none. Written for llama.cpp's
// template detection (llama_chat_apply_template) and for Jinja renderers alike.
#pragma once

#include <string>

namespace biomedq {

// Picks by tokenizer family: Llama-3 headers for the llama-bpe/llama3 BPE vocab, [INST] for
// SentencePiece (Llama-2/Mistral) vocabs, ChatML otherwise.
std::string chat_template_for_tokenizer(const std::string& tokenizer_model,
                                        const std::string& tokenizer_pre);

}  // namespace biomedq
