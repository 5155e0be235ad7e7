// SHA-256 of files (model files are pinned by hash in every result).
#pragma once

#include <filesystem>
#include <string>

#include "biomedq/result.h"

namespace biomedq {

std::string sha256_hex(const std::string& data);

// Hashes a file by streaming it. Errors: kNotFound / kIo naming the path.
Result<std::string> sha256_file(const std::filesystem::path& path);

// As sha256_file, but remembers (path, size, mtime) -> hash in the per-user cache
// (~/.cache/biomedq/sha256.json) so a 40 GB model is hashed once, not on every run.
Result<std::string> sha256_file_cached(const std::filesystem::path& path);

}  // namespace biomedq
