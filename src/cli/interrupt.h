// Ctrl-C and SIGTERM handling: the first SIGINT or SIGTERM asks the run to stop after flushing what
// is done (a rerun resumes); a second one exits at once (finished samples are already on disk).
// Exit codes follow the shell's convention, 128 + the signal: 130 for Ctrl-C, 143 for SIGTERM (what
// `kill`, systemd and batch schedulers send), so a caller can tell which one stopped the run.
#pragma once

#include <atomic>

namespace biomedq::cli {

const std::atomic<bool>* install_interrupt_handler();

// 128 + the first signal received (130 or 143); 130 when none was (a cancellation from elsewhere).
int interrupted_exit_code();

}  // namespace biomedq::cli
