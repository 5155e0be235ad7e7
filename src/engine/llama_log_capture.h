// llama.cpp reports through one process-wide log callback. We install ours once to (a) keep its chatter
// off the user's terminal unless asked, (b) keep the last error lines so a failed load can say why,
// and (c) record the buffer sizes it allocates, which are the ground truth for memory reporting.
#pragma once

#include <string>
#include <vector>

#include "biomedq/engine.h"

namespace biomedq::engine {

void install_llama_log_capture(bool verbose);

// Clears recorded errors and buffer sizes (call before a load so the record belongs to it).
void reset_llama_log_capture();

// The last few ERROR/WARN lines llama.cpp logged since the reset, joined with "; ".
std::string recent_llama_errors();

// Buffer allocations logged since the reset, grouped by buffer name.
std::vector<BufferMemory> captured_buffer_memory();

// Parses one llama.cpp log line; returns true when it reported a buffer size (exposed for tests).
bool parse_buffer_line(const std::string& line, std::vector<BufferMemory>& into);

}  // namespace biomedq::engine
