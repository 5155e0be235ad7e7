#include "quant/chat_templates.h"

namespace biomedq {

namespace {

// The Llama-3 Instruct template: header tokens around each role, <|eot_id|> after each turn.
constexpr const char* kLlama3Template =
    "{{- bos_token }}"
    "{%- for message in messages %}"
    "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + "
    "message['content'] | trim + '<|eot_id|>' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}"
    "{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
    "{%- endif %}";

// Mistral/Llama-2 style: a system message is folded into the first user turn.
constexpr const char* kInstTemplate =
    "{{- bos_token }}"
    "{%- set system = '' %}"
    "{%- for message in messages %}"
    "{%- if message['role'] == 'system' %}"
    "{%- set system = message['content'] + '\\n\\n' %}"
    "{%- elif message['role'] == 'user' %}"
    "{{- '[INST] ' + (system if loop.index0 <= 1 else '') + message['content'] + ' [/INST]' }}"
    "{%- elif message['role'] == 'assistant' %}"
    "{{- ' ' + message['content'] + eos_token }}"
    "{%- endif %}"
    "{%- endfor %}";

constexpr const char* kChatmlTemplate =
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}"
    "{{- '<|im_start|>assistant\\n' }}"
    "{%- endif %}";

}  // namespace

std::string chat_template_for_tokenizer(const std::string& tokenizer_model,
                                        const std::string& tokenizer_pre) {
    if (tokenizer_model == "gpt2" && (tokenizer_pre == "llama-bpe" || tokenizer_pre == "llama3")) {
        return kLlama3Template;
    }
    if (tokenizer_model == "llama") return kInstTemplate;
    return kChatmlTemplate;
}

}  // namespace biomedq
