// The engine's view of llama.cpp's log, kept for the whole process from the first load on: the last
// error lines, so a failed load or decode can say why, and the buffer sizes llama.cpp allocates,
// which are the ground truth for memory reporting. A sink of the one log hook (llama/log_hook.h).
#pragma once

#include <string>
#include <vector>

#include "biomedq/engine.h"

namespace biomedq::llama {

// Starts recording (once per process) and sets whether llama.cpp's text reaches stderr.
void install_recent_log(bool verbose);

// Clears recorded errors and buffer sizes (call before a load so the record belongs to it).
void reset_recent_log();

// The last few ERROR/WARN lines llama.cpp logged since the reset, joined with "; ".
std::string recent_llama_errors();

// Buffer allocations logged since the reset, grouped by buffer name.
std::vector<BufferMemory> captured_buffer_memory();

// Parses one llama.cpp log line; returns true when it reported a buffer size (exposed for tests).
bool parse_buffer_line(const std::string& line, std::vector<BufferMemory>& into);

}  // namespace biomedq::llama
