// Writes collected statistics in llama.cpp's GGUF imatrix format (what common_imatrix_load reads).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "biomedq/result.h"
#include "fidelity/imatrix_collector.h"

namespace biomedq::fidelity {

struct ImatrixMetadata {
    std::vector<std::string> datasets;
    std::uint32_t chunk_count = 0;
    std::uint32_t chunk_size = 0;
};

// Writes via out.tmp + rename. Errors: kInvalidArgument (no entries), kIo.
Status write_imatrix_gguf(const std::map<std::string, ImatrixEntry>& entries,
                          const ImatrixMetadata& metadata, const std::filesystem::path& out);

}  // namespace biomedq::fidelity
