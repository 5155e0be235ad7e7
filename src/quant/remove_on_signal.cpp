#include "quant/remove_on_signal.h"

#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstring>

namespace biomedq {
namespace {

constexpr int kSlots = 16;
constexpr std::size_t kPathMax = 4096;

struct Slot {
    std::atomic<bool> taken{false};  // owned by a RemoveOnSignal
    std::atomic<bool> armed{false};  // path written; the handler may read it
    char path[kPathMax] = {};
};

std::array<Slot, kSlots> g_slots;

void say(const char* text) { (void)!::write(STDERR_FILENO, text, std::strlen(text)); }

extern "C" void remove_and_exit(int signal) {
    bool any = false;
    for (auto& slot : g_slots) {
        if (!slot.armed.load()) continue;
        if (::unlink(slot.path) == 0) {
            say(any ? ", " : "\nbiomedq: interrupted; removed the partial file ");
            say(slot.path);
            any = true;
        }
    }
    say(any ? "\n" : "\nbiomedq: interrupted\n");
    ::_exit(128 + signal);
}

}  // namespace

RemoveOnSignal::RemoveOnSignal(const std::filesystem::path& path) {
    const std::string& s = path.native();
    if (s.empty() || s.size() >= kPathMax) return;
    for (int i = 0; i < kSlots; ++i) {
        bool expected = false;
        if (!g_slots[i].taken.compare_exchange_strong(expected, true)) continue;
        std::memcpy(g_slots[i].path, s.c_str(), s.size() + 1);
        g_slots[i].armed.store(true);
        slot_ = i;
        return;
    }
}

RemoveOnSignal::~RemoveOnSignal() {
    if (slot_ < 0) return;
    g_slots[slot_].armed.store(false);
    g_slots[slot_].taken.store(false);
}

void install_remove_on_signal_handler() {
    struct sigaction sa {};
    sa.sa_handler = remove_and_exit;
    sigemptyset(&sa.sa_mask);
    // Both signals blocked while the handler runs, so a second Ctrl-C cannot cut the cleanup short.
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace biomedq
