#include "support/tiny_model.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <mutex>

#include "biomedq/quant.h"
#include "support/paths.h"

namespace biomedq::test {

std::filesystem::path tiny_model_path() {
    static std::once_flag once;
    static std::filesystem::path path;
    static std::string failure;
    std::call_once(once, [] {
        const auto dir = std::filesystem::temp_directory_path() / "biomedq-test-models";
        std::filesystem::create_directories(dir);
        path = dir / "tiny-f16.gguf";
        // Test processes run in parallel (ctest -j): one synthesizes, the others wait and reuse.
        const int lock = ::open((dir / "tiny.lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
        if (lock >= 0) ::flock(lock, LOCK_EX);
        auto status = synthesize_tiny_model(llama_src_dir(), path);
        if (lock >= 0) ::close(lock);
        if (!status.ok()) failure = status.error().message;
    });
    if (!failure.empty()) ADD_FAILURE() << "synthesizing the tiny model failed: " << failure;
    return path;
}

}  // namespace biomedq::test
