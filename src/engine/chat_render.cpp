// Rendering chat messages with the model's own template through llama.cpp's Jinja engine
// (common/chat), so prompts are exactly what llama-server would build for the same model.
#include "engine/engine_impl.h"

namespace biomedq {

Result<std::string> Engine::render_chat(const std::vector<ChatMessage>& messages) const {
    if (!impl_->templates) {
        return make_error(ErrorCode::kUnsupported,
                          impl_->options.model_path +
                              ": the model has no chat template (tokenizer.chat_template); use raw "
                              "completion prompts (--no-chat)");
    }
    common_chat_templates_inputs inputs;
    inputs.use_jinja = true;
    inputs.add_generation_prompt = true;
    inputs.enable_thinking = false;
    for (const auto& m : messages) {
        common_chat_msg msg;
        msg.role = m.role;
        msg.content = m.content;
        inputs.messages.push_back(std::move(msg));
    }
    try {
        return common_chat_templates_apply(impl_->templates.get(), inputs).prompt;
    } catch (const std::exception& e) {
        return make_error(
            ErrorCode::kParse,
            impl_->options.model_path + ": rendering the chat template failed: " + e.what());
    }
}

}  // namespace biomedq
