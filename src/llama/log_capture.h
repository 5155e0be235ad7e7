// A scope that keeps llama.cpp's log off stderr and keeps its warnings and errors, so a failure can
// be reported as one line instead of llama.cpp's multi-line banners.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "llama/log_hook.h"

namespace biomedq::llama {

class LogCapture : private LogSink {
public:
    LogCapture();
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    // Warning and error text seen so far, whitespace-collapsed into one line.
    std::string errors_one_line() const;
    // Everything seen (all levels), as logged.
    std::string all() const;

    // Also hands every piece of text, as logged, to `listener` (e.g. to follow llama.cpp's
    // progress). Called under the log hook's lock, on the thread that logged.
    void set_listener(std::function<void(const char*)> listener);

private:
    void on_log(ggml_log_level level, const char* text) override;

    mutable std::mutex mutex_;
    std::string errors_;
    std::string all_;
    std::function<void(const char*)> listener_;
    ScopedLogSink registration_{*this, Echo::kSilence};  // last: unregistered before the rest goes
};

}  // namespace biomedq::llama
