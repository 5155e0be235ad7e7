#include "llama/recent_log.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>

#include "llama/log_hook.h"

namespace biomedq::llama {
namespace {

BufferMemory& buffer_named(std::vector<BufferMemory>& buffers, const std::string& name) {
    for (auto& b : buffers) {
        if (b.buffer == name) return b;
    }
    buffers.push_back(BufferMemory{name, 0, 0, 0, 0});
    return buffers.back();
}

constexpr std::string_view kMarker = " buffer size";

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

struct BufferSize {
    std::string_view name;  // "CPU_Mapped", "CUDA0"
    std::string_view kind;  // model | KV | compute | output
    std::uint64_t bytes = 0;
};

// ": NAME KIND buffer size = N MiB" around the " buffer size" at `marker` (whitespace runs of any
// length where the examples above have them).
std::optional<BufferSize> read_buffer_size(std::string_view text, std::size_t marker) {
    BufferSize out;
    std::size_t kind_end = marker;
    while (kind_end > 0 && is_space(text[kind_end - 1])) --kind_end;
    std::size_t kind_begin = kind_end;
    while (kind_begin > 0 && !is_space(text[kind_begin - 1])) --kind_begin;
    out.kind = text.substr(kind_begin, kind_end - kind_begin);
    if (out.kind != "model" && out.kind != "KV" && out.kind != "compute" && out.kind != "output") {
        return std::nullopt;
    }
    std::size_t name_end = kind_begin;
    while (name_end > 0 && is_space(text[name_end - 1])) --name_end;
    if (name_end == kind_begin) return std::nullopt;
    std::size_t name_begin = name_end;
    while (name_begin > 0 && !is_space(text[name_begin - 1])) --name_begin;
    if (name_begin == name_end) return std::nullopt;
    std::size_t colon = name_begin;
    while (colon > 0 && is_space(text[colon - 1])) --colon;
    if (colon == name_begin || colon == 0 || text[colon - 1] != ':') return std::nullopt;
    out.name = text.substr(name_begin, name_end - name_begin);

    std::size_t i = marker + kMarker.size();
    while (i < text.size() && is_space(text[i])) ++i;
    if (i >= text.size() || text[i] != '=') return std::nullopt;
    ++i;
    while (i < text.size() && is_space(text[i])) ++i;
    const std::size_t number_begin = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
        ++i;
    if (i == number_begin) return std::nullopt;
    const std::string number(text.substr(number_begin, i - number_begin));
    char* end = nullptr;
    const double mib = std::strtod(number.c_str(), &end);
    if (end == number.c_str()) return std::nullopt;  // "." alone
    while (i < text.size() && is_space(text[i])) ++i;
    if (text.substr(i, 3) != "MiB") return std::nullopt;
    out.bytes = static_cast<std::uint64_t>(mib * 1024.0 * 1024.0 + 0.5);
    return out;
}

// Assembles lines from the pieces llama.cpp logs and keeps what the engine asks for later.
class RecentLog : public LogSink {
public:
    void on_log(ggml_log_level level, const char* text) override {
        std::lock_guard lock(mutex_);
        if (level != GGML_LOG_LEVEL_CONT) line_level_ = level;
        partial_ += text;
        std::size_t newline;
        while ((newline = partial_.find('\n')) != std::string::npos) {
            std::string line = partial_.substr(0, newline);
            partial_.erase(0, newline + 1);
            parse_buffer_line(line, buffers_);
            if (line_level_ == GGML_LOG_LEVEL_ERROR || line_level_ == GGML_LOG_LEVEL_WARN) {
                errors_.push_back(line);
                if (errors_.size() > 4) errors_.pop_front();
            }
        }
    }
    void reset() {
        std::lock_guard lock(mutex_);
        errors_.clear();
        buffers_.clear();
        partial_.clear();
    }
    std::string errors() const {
        std::lock_guard lock(mutex_);
        std::string joined;
        for (const auto& e : errors_) {
            std::string line = e;
            while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
            if (line.empty()) continue;
            if (!joined.empty()) joined += "; ";
            joined += line;
        }
        return joined;
    }
    std::vector<BufferMemory> buffers() const {
        std::lock_guard lock(mutex_);
        return buffers_;
    }

private:
    mutable std::mutex mutex_;
    ggml_log_level line_level_ = GGML_LOG_LEVEL_INFO;
    std::string partial_;  // llama.cpp may log one line in several calls
    std::deque<std::string> errors_;
    std::vector<BufferMemory> buffers_;
};

// Registered on first use and never unregistered: the record spans loads and decodes.
RecentLog& recent_log() {
    static RecentLog log;
    static ScopedLogSink registration(log);
    return log;
}

}  // namespace

bool parse_buffer_line(const std::string& line, std::vector<BufferMemory>& into) {
    // e.g. "load_tensors:   CPU_Mapped model buffer size =   100.00 MiB"
    //      "llama_kv_cache:        CPU KV buffer size =    32.00 MiB"
    //      "llama_context:        CPU compute buffer size =    66.50 MiB"
    //      "llama_context:        CPU  output buffer size =     0.49 MiB"
    // Read by hand, not with std::regex: every log line passes through here, including lines that
    // carry GGUF metadata (a 60,000-character general.name overflowed the stack of the recursive
    // regex executor). Each "buffer size" is tried once, with scans that never leave its own words.
    const std::string_view text(line);
    for (std::size_t at = text.find(kMarker); at != std::string_view::npos;
         at = text.find(kMarker, at + 1)) {
        if (auto parsed = read_buffer_size(text, at)) {
            auto& b = buffer_named(into, std::string(parsed->name));
            if (parsed->kind == "model")
                b.bytes_weights += parsed->bytes;
            else if (parsed->kind == "KV")
                b.bytes_kv += parsed->bytes;
            else if (parsed->kind == "compute")
                b.bytes_compute += parsed->bytes;
            else
                b.bytes_output += parsed->bytes;
            return true;
        }
    }
    return false;
}

void install_recent_log(bool verbose) {
    recent_log();
    set_log_echo(verbose);
}

void reset_recent_log() { recent_log().reset(); }

std::string recent_llama_errors() { return recent_log().errors(); }

std::vector<BufferMemory> captured_buffer_memory() { return recent_log().buffers(); }

}  // namespace biomedq::llama
