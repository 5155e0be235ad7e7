// Whole-file reads and atomic writes. Atomic: write to a temporary sibling, fsync, rename, so a
// killed process never leaves a half-written output file.
#pragma once

#include <filesystem>
#include <string>

#include "biomedq/result.h"

namespace biomedq {

// Errors: kNotFound when the file does not exist, kIo when it cannot be read. Messages name the
// path.
Result<std::string> read_file(const std::filesystem::path& path);

// Replaces `path` with `content` atomically. Errors: kIo naming the path and the OS reason.
Status write_file_atomic(const std::filesystem::path& path, const std::string& content);

}  // namespace biomedq
