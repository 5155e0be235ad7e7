#include "cli/progress_line.h"

#include <chrono>
#include <cstdio>
#include <memory>

namespace biomedq::cli {

std::function<void(const std::string&, std::size_t, std::size_t)> progress_printer(
    std::string command, double interval_s) {
    using Clock = std::chrono::steady_clock;
    struct State {
        std::string pass;
        Clock::time_point pass_start;
        Clock::time_point last_print;
    };
    auto state = std::make_shared<State>();
    return [command = std::move(command), interval_s, state](const std::string& pass,
                                                             std::size_t done, std::size_t total) {
        const auto now = Clock::now();
        if (pass != state->pass) {  // a new pass starts its own clock
            state->pass = pass;
            state->pass_start = now;
            state->last_print = now;
        }
        const bool last = done >= total;
        if (!last && std::chrono::duration<double>(now - state->last_print).count() < interval_s)
            return;
        state->last_print = now;
        const double elapsed = std::chrono::duration<double>(now - state->pass_start).count();
        const double eta =
            done > 0 ? elapsed * static_cast<double>(total - done) / static_cast<double>(done)
                     : 0.0;
        std::fprintf(stderr, "%s: %s %zu/%zu chunks, %.0f s elapsed, ETA %.0f s\n", command.c_str(),
                     pass.c_str(), done, total, elapsed, eta);
    };
}

}  // namespace biomedq::cli
