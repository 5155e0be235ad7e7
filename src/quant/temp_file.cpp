#include "quant/temp_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace biomedq {

namespace fs = std::filesystem;

TempFile::~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) {
        std::error_code ec;
        fs::remove(path_, ec);
    }
}

Status TempFile::open() {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return io_error("cannot create", errno);
    return Status::success();
}

Status TempFile::write_at(const void* data, std::size_t size, uint64_t offset) const {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::pwrite(fd_, p, size, static_cast<off_t>(offset));
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_error("write failed", errno);
        }
        p += n;
        size -= static_cast<std::size_t>(n);
        offset += static_cast<uint64_t>(n);
    }
    return Status::success();
}

Status TempFile::resize(uint64_t size) const {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
        return io_error(("cannot set size to " + std::to_string(size) + " bytes").c_str(), errno);
    }
    return Status::success();
}

Status TempFile::close() {
    if (fd_ < 0) return Status::success();
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return io_error("close failed", errno);
    return Status::success();
}

Status TempFile::commit_as(const fs::path& final_path) {
    if (::fsync(fd_) != 0) return io_error("fsync failed", errno);
    BIOMEDQ_TRY(close());
    std::error_code ec;
    fs::rename(path_, final_path, ec);
    if (ec) {
        return make_error(ErrorCode::kIo, final_path.string() + ": rename failed: " + ec.message());
    }
    committed_ = true;
    return Status::success();
}

Error TempFile::io_error(const char* what, int err) const {
    return make_error(ErrorCode::kIo, path_.string() + ": " + what + ": " + std::strerror(err));
}

}  // namespace biomedq
