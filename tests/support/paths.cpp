#include "support/paths.h"

#include <cstdlib>
#include <random>

namespace biomedq::test {

std::filesystem::path fixtures_dir() { return BIOMEDQ_TEST_FIXTURES; }

std::filesystem::path shared_data_dir() {
    if (const char* env = std::getenv("BIOMEDQ_DATA_DIR"); env && *env) return env;
    return std::filesystem::weakly_canonical(BIOMEDQ_SHARED_DATA);
}

std::filesystem::path source_dir() { return BIOMEDQ_SOURCE_DIR; }

std::filesystem::path tasks_dir() { return BIOMEDQ_TASKS_DIR; }
std::filesystem::path biomedq_binary() { return BIOMEDQ_BINARY; }
std::filesystem::path llama_src_dir() { return BIOMEDQ_LLAMA_SRC; }
std::filesystem::path llama_bin_dir() { return BIOMEDQ_LLAMA_BIN; }

std::filesystem::path make_temp_dir(const std::string& prefix) {
    std::random_device rd;
    for (int attempt = 0; attempt < 100; ++attempt) {
        auto dir = std::filesystem::temp_directory_path() /
                   ("biomedq-" + prefix + "-" + std::to_string(rd()));
        if (std::filesystem::create_directory(dir)) return dir;
    }
    return std::filesystem::temp_directory_path() / ("biomedq-" + prefix);
}

}  // namespace biomedq::test
