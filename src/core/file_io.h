// Whole-file reads and atomic writes. Atomic: write to a temporary sibling, fsync, rename, so a
// killed process never leaves a half-written output file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "biomedq/result.h"

namespace biomedq {

// Errors: kNotFound when the file does not exist, kIo when it cannot be read. Messages name the
// path.
Result<std::string> read_file(const std::filesystem::path& path);

// Replaces `path` with `content` atomically. Errors: kIo naming the path and the OS reason.
Status write_file_atomic(const std::filesystem::path& path, const std::string& content);

// Writes all of `data` to `fd`, retrying short writes and EINTR. `error` is 0 on success, else the
// errno of the failed write(2), with `written` the bytes that went out before it.
struct WriteAllOutcome {
    std::size_t written = 0;
    int error = 0;
};
WriteAllOutcome write_all(int fd, std::string_view data);

}  // namespace biomedq
