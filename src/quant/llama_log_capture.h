// Redirects llama.cpp's (and ggml's) global log callback for a scope, keeping warnings and errors so
// a failure can be reported as one line instead of llama.cpp's multi-line banners on stderr.
// Not thread-safe: the callback is process-global; restore happens in the destructor.
#pragma once

#include <functional>
#include <string>

namespace biomedq {

class LlamaLogCapture {
public:
    LlamaLogCapture();
    ~LlamaLogCapture();
    LlamaLogCapture(const LlamaLogCapture&) = delete;
    LlamaLogCapture& operator=(const LlamaLogCapture&) = delete;

    // Warning and error text seen so far, whitespace-collapsed into one line.
    std::string errors_one_line() const;
    // Everything seen (all levels), as logged.
    const std::string& all() const { return all_; }

    void append(int level, const char* text);
    // Also hands every piece of text, as logged, to `listener` (e.g. to follow llama.cpp's progress).
    void set_listener(std::function<void(const char*)> listener) { listener_ = std::move(listener); }

private:
    // Stored as a generic function pointer so this header needs no llama.h.
    void (*previous_callback_)() = nullptr;
    void* previous_user_data_ = nullptr;
    std::string errors_;
    std::string all_;
    std::function<void(const char*)> listener_;
};

}  // namespace biomedq
