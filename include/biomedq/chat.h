// A chat turn as prompt builders produce it and the engine renders it with the model's template.
#pragma once

#include <string>

namespace biomedq {

struct ChatMessage {
    std::string role;  // "system", "user", "assistant"
    std::string content;
    bool operator==(const ChatMessage&) const = default;
};

}  // namespace biomedq
