#include "cli/interrupt.h"

#include <csignal>
#include <unistd.h>

namespace biomedq::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) {
    if (g_interrupted.exchange(true)) _exit(130);
    const char msg[] = "\nbiomedq: stopping after the examples in flight (Ctrl-C again to quit now)\n";
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

}  // namespace biomedq::cli
