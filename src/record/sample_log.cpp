#include "record/sample_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/file_io.h"

namespace biomedq::record {
namespace {

// Parses and checks the complete lines of `content`; returns the byte length of the complete part.
// `line_numbers` (optional) gets each record's 1-based line.
Result<std::size_t> parse_lines(const std::string& content, const std::filesystem::path& path,
                                std::vector<SampleRecord>& out,
                                std::vector<std::size_t>* line_numbers = nullptr) {
    std::size_t start = 0, line_no = 0;
    while (true) {
        const std::size_t end = content.find('\n', start);
        if (end == std::string::npos) return start;  // anything after is a partial line
        ++line_no;
        const std::string line = content.substr(start, end - start);
        if (!line.empty()) {
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.is_object()) {
                return make_error(
                    ErrorCode::kParse,
                    path.string() + ": line " + std::to_string(line_no) +
                        ": not a sample record (expected a JSON object with \"task\" and "
                        "\"id\"); the run directory is damaged");
            }
            // Every field is checked here, once, so no reader meets a record it would choke on (a
            // numeric "id" used to escape as an exception and abort the process).
            auto record = sample_record_from_json(j);
            if (!record.ok()) {
                return record.error().with_context(
                    path.string() + ": line " + std::to_string(line_no) +
                    ": not a valid sample record (the run directory is damaged; "
                    "fix or delete that line)");
            }
            out.push_back(std::move(record).value());
            if (line_numbers) line_numbers->push_back(line_no);
        }
        start = end + 1;
    }
}

}  // namespace

Result<SampleLog> SampleLog::open(const std::filesystem::path& path) {
    SampleLog log;
    log.path_ = path;
    std::string content;
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
        BIOMEDQ_ASSIGN(content, read_file(path));
    }
    std::vector<SampleRecord> existing;
    BIOMEDQ_ASSIGN(const std::size_t complete, parse_lines(content, path, existing));
    for (const auto& r : existing) log.keys_.emplace(r.task, r.id);
    // O_APPEND: every write(2) lands at the end of the file, whatever else has the file open.
    log.fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log.fd_ < 0) {
        return make_error(ErrorCode::kIo,
                          path.string() + ": cannot open for writing: " + std::strerror(errno));
    }
    if (complete < content.size()) {
        // The line being written when the process died: drop it, it will be rerun.
        log.n_truncated_bytes_ = content.size() - complete;
        if (::ftruncate(log.fd_, static_cast<off_t>(complete)) != 0) {
            return make_error(
                ErrorCode::kIo,
                path.string() + ": cannot cut the partial last line: " + std::strerror(errno));
        }
    }
    if (::lseek(log.fd_, 0, SEEK_END) < 0) {
        return make_error(ErrorCode::kIo, path.string() + ": seek failed: " + std::strerror(errno));
    }
    return log;
}

SampleLog::SampleLog(SampleLog&& other) noexcept
    : fd_(other.fd_),
      path_(std::move(other.path_)),
      keys_(std::move(other.keys_)),
      n_truncated_bytes_(other.n_truncated_bytes_) {
    other.fd_ = -1;
}

SampleLog::~SampleLog() {
    if (fd_ >= 0) ::close(fd_);
}

bool SampleLog::contains(const std::string& task, const std::string& id) const {
    return keys_.count({task, id}) > 0;
}

Status SampleLog::append(const SampleRecord& record) {
    const std::string line =
        to_json(record).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (const WriteAllOutcome w = write_all(fd_, line); w.error != 0) {
        // Cut back what this call wrote, so the log still ends on a complete record.
        if (w.written > 0) {
            const off_t end = ::lseek(fd_, 0, SEEK_END);
            (void)::ftruncate(fd_, end - static_cast<off_t>(w.written));
            (void)::lseek(fd_, 0, SEEK_END);
        }
        return make_error(ErrorCode::kIo,
                          path_.string() + ": writing a sample failed: " + std::strerror(w.error) +
                              "; the samples written before are intact");
    }
    keys_.emplace(record.task, record.id);
    return Status::success();
}

Result<SampleLogContent> read_sample_log_content(const std::filesystem::path& path) {
    BIOMEDQ_ASSIGN(std::string content, read_file(path));
    SampleLogContent out;
    BIOMEDQ_ASSIGN(const std::size_t complete, parse_lines(content, path, out.records, &out.lines));
    out.n_partial_bytes = content.size() - complete;
    return out;
}

}  // namespace biomedq::record
