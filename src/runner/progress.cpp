#include "runner/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace biomedq::runner {

Progress::Progress(std::size_t total, std::size_t already_done, bool enabled)
    : total_(total),
      done_(already_done),
      enabled_(enabled),
      tty_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::example_done(const std::string& task, double score) {
    ++done_;
    ++done_this_run_;
    auto& t = tasks_[task];
    t.n++;
    t.score_sum += score;
    maybe_draw(false);
}

std::string Progress::render_line() const {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done_this_run_) / elapsed : 0.0;
    const double eta =
        rate > 0 ? static_cast<double>(total_ - std::min(done_, total_)) / rate : 0.0;
    std::string line;
    if (tty_) {
        const int width = 24;
        const int filled =
            total_
                ? static_cast<int>(width * static_cast<double>(done_) / static_cast<double>(total_))
                : width;
        line += "[" + std::string(static_cast<std::size_t>(filled), '#') +
                std::string(static_cast<std::size_t>(width - filled), '.') + "] ";
    }
    line += fmt::format("{}/{} examples, {:.2f}/s, ETA {:.0f}s", done_, total_, rate, eta);
    for (const auto& [task, t] : tasks_) {
        line +=
            fmt::format(" | {} {:.3f}", task, t.n ? t.score_sum / static_cast<double>(t.n) : 0.0);
    }
    return line;
}

void Progress::maybe_draw(bool force) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const auto interval = tty_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000);
    if (!force && now - last_draw_ < interval) return;
    last_draw_ = now;
    const std::string line = render_line();
    if (tty_) {
        std::fprintf(stderr, "\r\033[K%s", line.c_str());
    } else {
        std::fprintf(stderr, "progress: %s\n", line.c_str());
    }
    std::fflush(stderr);
}

void Progress::finish() {
    if (!enabled_) return;
    maybe_draw(true);
    if (tty_) std::fputc('\n', stderr);
}

}  // namespace biomedq::runner
