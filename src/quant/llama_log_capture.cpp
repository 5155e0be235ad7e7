#include "quant/llama_log_capture.h"

#include <llama.h>

#include <cctype>

namespace biomedq {

namespace {

void capture_callback(ggml_log_level level, const char* text, void* user_data) {
    static_cast<LlamaLogCapture*>(user_data)->append(static_cast<int>(level), text);
}

}  // namespace

LlamaLogCapture::LlamaLogCapture() {
    ggml_log_callback previous = nullptr;
    llama_log_get(&previous, &previous_user_data_);
    previous_callback_ = reinterpret_cast<void (*)()>(previous);
    llama_log_set(capture_callback, this);
}

LlamaLogCapture::~LlamaLogCapture() {
    llama_log_set(reinterpret_cast<ggml_log_callback>(previous_callback_), previous_user_data_);
}

void LlamaLogCapture::append(int level, const char* text) {
    if (!text) return;
    all_ += text;
    if (listener_) listener_(text);
    // CONT continues the previous message's level; treat it as the level of what it continues only
    // when that was an error, which is good enough for one-line reports.
    if (level == GGML_LOG_LEVEL_WARN || level == GGML_LOG_LEVEL_ERROR) errors_ += text;
}

std::string LlamaLogCapture::errors_one_line() const {
    std::string out;
    bool space = false;
    for (char c : errors_) {
        if (std::isspace(static_cast<unsigned char>(c)) || c == '=') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

}  // namespace biomedq
