// llama.cpp's grammar parser prints its diagnostics straight to stderr (not through the log
// callback). We capture them while a grammar is parsed, so a bad grammar becomes one error line
// that carries the parser's reason instead of a multi-line dump on the terminal.
#pragma once

#include <string>

namespace biomedq::engine {

class StderrCapture {
public:
    StderrCapture();
    ~StderrCapture();
    StderrCapture(const StderrCapture&) = delete;
    StderrCapture& operator=(const StderrCapture&) = delete;
    // Restores stderr and returns what was written meanwhile (first line, trimmed).
    std::string finish();

private:
    int saved_fd_ = -1;
    int capture_fd_ = -1;
    bool finished_ = false;
    std::string captured_;
};

}  // namespace biomedq::engine
