// llama.cpp and ggml log through one process-wide callback. biomedq installs exactly one
// (log_hook.cpp is the only place that sets it) and fans each piece of text out to the sinks
// registered at the moment it is logged, so several users (the engine's load log, a quiet
// quantization scope, a test) can listen at once without replacing each other's callback.
//
// Thread safety: registration and logging may happen on any thread. Sinks are called one at a time,
// under the hook's lock, in registration order; a sink must not log through llama.cpp or register
// sinks from inside on_log. After a ScopedLogSink's destructor returns, its sink is never called
// again.
#pragma once

#include <ggml.h>

namespace biomedq::llama {

class LogSink {
public:
    virtual ~LogSink() = default;
    // One piece of text as llama.cpp logged it (never null): a line may arrive in several pieces
    // (level GGML_LOG_LEVEL_CONT continues the previous piece).
    virtual void on_log(ggml_log_level level, const char* text) = 0;
};

// What a registration does to the echo of log text on stderr.
enum class Echo {
    kKeep,     // the sink only listens
    kSilence,  // while registered, nothing is echoed (a scope that reports failures as one line)
};

// Registers `sink` with the hook (installing the hook on first use) for this object's lifetime.
class ScopedLogSink {
public:
    explicit ScopedLogSink(LogSink& sink, Echo echo = Echo::kKeep);
    ~ScopedLogSink();
    ScopedLogSink(const ScopedLogSink&) = delete;
    ScopedLogSink& operator=(const ScopedLogSink&) = delete;

private:
    LogSink& sink_;
    Echo echo_;
};

// Whether log text is echoed to stderr while no kSilence sink is registered. On by default, as
// llama.cpp's own default logger does; the engine turns it off unless --verbose.
void set_log_echo(bool echo);

}  // namespace biomedq::llama
