// Progress on stderr: on a terminal, a redrawn bar with done/total, rate, ETA and the running score
// per task; otherwise a plain line every few seconds (logs stay readable).
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace biomedq::runner {

class Progress {
public:
    Progress(std::size_t total, std::size_t already_done, bool enabled);
    // Records one finished example of `task` with its per-example score in [0,1].
    void example_done(const std::string& task, double score);
    void finish();

    // The line that would be shown now (exposed for tests).
    std::string render_line() const;

private:
    void maybe_draw(bool force);
    struct TaskTally {
        std::size_t n = 0;
        double score_sum = 0.0;
    };
    std::size_t total_;
    std::size_t done_;
    std::size_t done_this_run_ = 0;
    bool enabled_;
    bool tty_;
    std::map<std::string, TaskTally> tasks_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace biomedq::runner
