// Ctrl-C handling: the first SIGINT/SIGTERM asks the run to stop after flushing what is done; a
// second one exits at once (finished samples are already on disk).
#pragma once

#include <atomic>

namespace biomedq::cli {

const std::atomic<bool>* install_interrupt_handler();

}  // namespace biomedq::cli
