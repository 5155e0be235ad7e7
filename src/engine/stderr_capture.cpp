#include "engine/stderr_capture.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace biomedq::engine {

StderrCapture::StderrCapture() {
    std::fflush(stderr);
    char path[] = "/tmp/biomedq-stderr-XXXXXX";
    capture_fd_ = ::mkstemp(path);
    if (capture_fd_ < 0) return;
    ::unlink(path);
    saved_fd_ = ::dup(STDERR_FILENO);
    if (saved_fd_ < 0 || ::dup2(capture_fd_, STDERR_FILENO) < 0) {
        ::close(capture_fd_);
        capture_fd_ = -1;
    }
}

std::string StderrCapture::finish() {
    if (finished_) return captured_;
    finished_ = true;
    if (capture_fd_ < 0) return captured_;
    std::fflush(stderr);
    ::dup2(saved_fd_, STDERR_FILENO);
    ::close(saved_fd_);
    ::lseek(capture_fd_, 0, SEEK_SET);
    char buf[4096];
    ssize_t n;
    std::string all;
    while ((n = ::read(capture_fd_, buf, sizeof(buf))) > 0 && all.size() < 65536)
        all.append(buf, static_cast<std::size_t>(n));
    ::close(capture_fd_);
    // "parse: error parsing grammar: expecting ')' at <source>" -> keep the reason.
    const auto marker = all.find("error parsing grammar: ");
    std::string line = marker == std::string::npos ? all : all.substr(marker + 23);
    line = line.substr(0, line.find('\n'));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    captured_ = line;
    return captured_;
}

StderrCapture::~StderrCapture() { finish(); }

}  // namespace biomedq::engine
