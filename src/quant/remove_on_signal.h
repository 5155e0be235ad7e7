// Partial output files that SIGINT/SIGTERM must not leave behind. A quantization runs inside
// llama_model_quantize, which cannot be cancelled, and a synthesis of a big shape writes for
// minutes: a user who presses Ctrl-C gets neither a prompt back nor the disk space while a multi-GB
// `.tmp` waits for a clean stop. So the CLI of those commands installs a handler that removes every
// registered file and exits at once (128 + signal); nothing else of theirs is worth keeping.
//
// The registry is a fixed table written before a path is published, so the handler reads it with
// async-signal-safe calls only (unlink, write). Thread-safe.
#pragma once

#include <filesystem>

namespace biomedq {

// Registers `path` for removal on SIGINT/SIGTERM while alive. Paths longer than the table's slot,
// or beyond its 16 slots, are not registered (the file is then left for the caller's own cleanup).
class RemoveOnSignal {
public:
    explicit RemoveOnSignal(const std::filesystem::path& path);
    ~RemoveOnSignal();
    RemoveOnSignal(const RemoveOnSignal&) = delete;
    RemoveOnSignal& operator=(const RemoveOnSignal&) = delete;

private:
    int slot_ = -1;
};

// SIGINT and SIGTERM: unlink every registered path, say so on stderr, _exit(128 + signal).
void install_remove_on_signal_handler();

}  // namespace biomedq
