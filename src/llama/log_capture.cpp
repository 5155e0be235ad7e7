#include "llama/log_capture.h"

#include <cctype>

namespace biomedq::llama {

LogCapture::LogCapture() = default;

void LogCapture::set_listener(std::function<void(const char*)> listener) {
    std::lock_guard lock(mutex_);
    listener_ = std::move(listener);
}

void LogCapture::on_log(ggml_log_level level, const char* text) {
    std::lock_guard lock(mutex_);
    all_ += text;
    if (listener_) listener_(text);
    // CONT continues the previous message's level; treat it as the level of what it continues only
    // when that was an error, which is good enough for one-line reports.
    if (level == GGML_LOG_LEVEL_WARN || level == GGML_LOG_LEVEL_ERROR) errors_ += text;
}

std::string LogCapture::all() const {
    std::lock_guard lock(mutex_);
    return all_;
}

std::string LogCapture::errors_one_line() const {
    std::lock_guard lock(mutex_);
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

}  // namespace biomedq::llama
