#include "cli/interrupt.h"

#include <unistd.h>

#include <csignal>

namespace biomedq::cli {
namespace {

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};

extern "C" void on_interrupt(int signal) {
    int none = 0;
    g_signal.compare_exchange_strong(none, signal);
    if (g_interrupted.exchange(true)) _exit(128 + signal);
    const char msg[] =
        "\nbiomedq: stopping after the examples in flight (Ctrl-C again to quit now)\n";
    (void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
}

}  // namespace

const std::atomic<bool>* install_interrupt_handler() {
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    return &g_interrupted;
}

int interrupted_exit_code() {
    const int signal = g_signal.load();
    return signal > 0 ? 128 + signal : 130;
}

}  // namespace biomedq::cli
