#include "core/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace biomedq {

Result<std::string> read_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return make_error(ErrorCode::kNotFound, path.string() + ": no such file");
    }
    if (std::filesystem::is_directory(path, ec)) {
        return make_error(ErrorCode::kIo, path.string() + ": is a directory, expected a file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return make_error(ErrorCode::kIo, path.string() + ": cannot open: " + std::strerror(errno));
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) return make_error(ErrorCode::kIo, path.string() + ": read failed");
    return buffer.str();
}

WriteAllOutcome write_all(int fd, std::string_view data) {
    WriteAllOutcome out;
    while (out.written < data.size()) {
        const auto n = ::write(fd, data.data() + out.written, data.size() - out.written);
        if (n < 0) {
            if (errno == EINTR) continue;
            out.error = errno;
            return out;
        }
        out.written += static_cast<std::size_t>(n);
    }
    return out;
}

Status write_file_atomic(const std::filesystem::path& path, const std::string& content) {
    const auto tmp = path.string() + ".tmp." + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return make_error(ErrorCode::kIo,
                          path.string() + ": cannot create: " + std::strerror(errno));
    }
    if (const WriteAllOutcome w = write_all(fd, content); w.error != 0) {
        ::close(fd);
        ::unlink(tmp.c_str());
        return make_error(ErrorCode::kIo,
                          path.string() + ": write failed: " + std::strerror(w.error));
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(tmp.c_str());
        return make_error(ErrorCode::kIo, path.string() + ": flush failed: " + reason);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(tmp.c_str());
        return make_error(ErrorCode::kIo, path.string() + ": rename failed: " + reason);
    }
    return Status::success();
}

}  // namespace biomedq
