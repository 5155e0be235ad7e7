// Where tests find fixtures, the real data sets, the shipped tasks and the built binary.
#pragma once

#include <filesystem>
#include <string>

namespace biomedq::test {

std::filesystem::path fixtures_dir();     // tests/fixtures
std::filesystem::path shared_data_dir();  // ../shared/data (BIOMEDQ_DATA_DIR overrides)
std::filesystem::path source_dir();       // the checkout (scripts/, tasks/, schemas/)
std::filesystem::path tasks_dir();        // tasks/
std::filesystem::path biomedq_binary();   // the built CLI
std::filesystem::path llama_src_dir();    // the pinned llama.cpp source (vocab GGUFs in models/)
std::filesystem::path llama_bin_dir();    // its build's bin/ (llama-server, rpc-server, ...)

// A fresh empty directory under the system temp dir, unique per test; removed by the caller or left
// for inspection on failure.
std::filesystem::path make_temp_dir(const std::string& prefix);

}  // namespace biomedq::test
