#include "engine/llama_log_capture.h"

#include <llama.h>

#include <cstdio>
#include <deque>
#include <mutex>
#include <regex>

namespace biomedq::engine {
namespace {

struct CaptureState {
    std::mutex mutex;
    bool verbose = false;
    std::string partial;  // llama.cpp may log one line in several calls
    std::deque<std::string> errors;
    std::vector<BufferMemory> buffers;
};

CaptureState& state() {
    static CaptureState s;
    return s;
}

BufferMemory& buffer_named(std::vector<BufferMemory>& buffers, const std::string& name) {
    for (auto& b : buffers) {
        if (b.buffer == name) return b;
    }
    buffers.push_back(BufferMemory{name, 0, 0, 0, 0});
    return buffers.back();
}

void on_log(ggml_log_level level, const char* text, void* /*user*/) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    if (s.verbose) std::fputs(text, stderr);
    static ggml_log_level line_level = GGML_LOG_LEVEL_INFO;
    if (level != GGML_LOG_LEVEL_CONT) line_level = level;
    s.partial += text;
    std::size_t newline;
    while ((newline = s.partial.find('\n')) != std::string::npos) {
        std::string line = s.partial.substr(0, newline);
        s.partial.erase(0, newline + 1);
        parse_buffer_line(line, s.buffers);
        if (line_level == GGML_LOG_LEVEL_ERROR || line_level == GGML_LOG_LEVEL_WARN) {
            s.errors.push_back(line);
            if (s.errors.size() > 4) s.errors.pop_front();
        }
    }
}

}  // namespace

bool parse_buffer_line(const std::string& line, std::vector<BufferMemory>& into) {
    // e.g. "load_tensors:   CPU_Mapped model buffer size =   100.00 MiB"
    //      "llama_kv_cache:        CPU KV buffer size =    32.00 MiB"
    //      "llama_context:        CPU compute buffer size =    66.50 MiB"
    //      "llama_context:        CPU  output buffer size =     0.49 MiB"
    static const std::regex pattern(
        R"(:\s+(\S+)\s+(model|KV|compute|output)\s+buffer size\s*=\s*([0-9.]+)\s*MiB)");
    std::smatch m;
    if (!std::regex_search(line, m, pattern)) return false;
    const auto bytes = static_cast<std::uint64_t>(std::stod(m[3].str()) * 1024.0 * 1024.0 + 0.5);
    auto& b = buffer_named(into, m[1].str());
    const std::string kind = m[2].str();
    if (kind == "model") b.bytes_weights += bytes;
    else if (kind == "KV") b.bytes_kv += bytes;
    else if (kind == "compute") b.bytes_compute += bytes;
    else b.bytes_output += bytes;
    return true;
}

void install_llama_log_capture(bool verbose) {
    {
        std::lock_guard lock(state().mutex);
        state().verbose = verbose;
    }
    llama_log_set(on_log, nullptr);
}

void reset_llama_log_capture() {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    s.errors.clear();
    s.buffers.clear();
    s.partial.clear();
}

std::string recent_llama_errors() {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    std::string joined;
    for (const auto& e : s.errors) {
        std::string line = e;
        while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
        if (line.empty()) continue;
        if (!joined.empty()) joined += "; ";
        joined += line;
    }
    return joined;
}

std::vector<BufferMemory> captured_buffer_memory() {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    return s.buffers;
}

}  // namespace biomedq::engine
