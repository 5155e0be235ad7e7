// A file that several threads write in place with pwrite, removed when it goes out of scope unless
// it was committed: a failed synthesis leaves neither a half-written model nor a scratch file
// behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "biomedq/result.h"
#include "quant/remove_on_signal.h"

namespace biomedq {

class TempFile {
public:
    explicit TempFile(std::filesystem::path path)
        : path_(std::move(path)), remove_on_signal_(path_) {}
    // Closes the file and removes `path()` unless commit_as() succeeded. Also removes a file at
    // that path when open() was never called, so an unopened TempFile guards a path someone else
    // may write.
    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    const std::filesystem::path& path() const { return path_; }

    // Creates or truncates the file. Errors: kIo naming the path and the OS error.
    Status open();
    // Thread-safe: positioned writes share no file offset.
    Status write_at(const void* data, std::size_t size, uint64_t offset) const;
    // Sets the file size with ftruncate: growing it leaves a hole that reads as zeros and takes no
    // disk blocks, so an unwritten 141 GB model fits on any disk.
    Status resize(uint64_t size) const;
    // Closes the descriptor so others can read a complete file; the file is still removed later.
    Status close();
    // fsync, close and rename onto `final_path`; from then on the file is kept.
    Status commit_as(const std::filesystem::path& final_path);

private:
    Error io_error(const char* what, int err) const;

    std::filesystem::path path_;
    RemoveOnSignal remove_on_signal_;  // an interrupted synthesis leaves no multi-GB scratch file
    int fd_ = -1;
    bool committed_ = false;
};

}  // namespace biomedq
