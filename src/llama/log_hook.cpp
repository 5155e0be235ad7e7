#include "llama/log_hook.h"

#include <llama.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <vector>

namespace biomedq::llama {
namespace {

struct Hook {
    std::mutex mutex;
    std::vector<LogSink*> sinks;
    int n_silencing = 0;
    bool echo = true;
};

// Never destroyed: llama.cpp may still log while static objects are torn down at exit.
Hook& hook() {
    static Hook* h = new Hook;
    return *h;
}

void on_log(ggml_log_level level, const char* text, void* /*user*/) {
    if (text == nullptr) return;
    Hook& h = hook();
    std::lock_guard lock(h.mutex);
    if (h.echo && h.n_silencing == 0) {
        std::fputs(text, stderr);
        std::fflush(stderr);
    }
    for (LogSink* sink : h.sinks) sink->on_log(level, text);
}

void install_once() {
    static std::once_flag once;
    std::call_once(once, [] { llama_log_set(on_log, nullptr); });
}

}  // namespace

ScopedLogSink::ScopedLogSink(LogSink& sink, Echo echo) : sink_(sink), echo_(echo) {
    install_once();
    Hook& h = hook();
    std::lock_guard lock(h.mutex);
    h.sinks.push_back(&sink_);
    if (echo_ == Echo::kSilence) ++h.n_silencing;
}

ScopedLogSink::~ScopedLogSink() {
    Hook& h = hook();
    std::lock_guard lock(h.mutex);
    h.sinks.erase(std::find(h.sinks.begin(), h.sinks.end(), &sink_));
    if (echo_ == Echo::kSilence) --h.n_silencing;
}

void set_log_echo(bool echo) {
    install_once();
    Hook& h = hook();
    std::lock_guard lock(h.mutex);
    h.echo = echo;
}

}  // namespace biomedq::llama
