// samples.jsonl: one JSON object per finished example, appended (O_APPEND, one write(2) per record)
// and flushed as each finishes, never rewritten; the caller holds the run directory's lock. Opening
// an existing log recovers from a kill: a last line without its newline (the write in flight) is
// cut off, so the file always ends on a complete record.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "biomedq/record.h"
#include "biomedq/result.h"

namespace biomedq::record {

// Where finished examples go. The runner writes through this interface so tests can put a failing
// sink between it and the log.
class SampleSink {
public:
    virtual ~SampleSink() = default;
    // Errors: kIo (disk full, ...); the records appended before are intact.
    virtual Status append(const SampleRecord& record) = 0;
};

class SampleLog : public SampleSink {
public:
    // Opens (creating) `path` for appending after recovery. Errors: kIo; kParse for a damaged
    // complete line (never silently dropped).
    static Result<SampleLog> open(const std::filesystem::path& path);
    SampleLog(SampleLog&& other) noexcept;
    SampleLog& operator=(SampleLog&&) = delete;
    ~SampleLog();

    bool contains(const std::string& task, const std::string& id) const;

    // Appends one record with a single write(2) of the whole line. Errors: kIo (disk full, ...).
    Status append(const SampleRecord& record) override;

    std::size_t n_recovered_bytes() const { return n_truncated_bytes_; }

private:
    SampleLog() = default;
    int fd_ = -1;
    std::filesystem::path path_;
    std::set<std::pair<std::string, std::string>> keys_;
    std::size_t n_truncated_bytes_ = 0;
};

// Every record of a sample log, with where each was and what was left over (read-only; a partial
// last line is ignored, as on resume). A malformed record is kParse naming file, line and field.
struct SampleLogContent {
    std::vector<SampleRecord> records;
    std::vector<std::size_t> lines;  // 1-based line of each record
    std::size_t n_partial_bytes =
        0;  // a last line without its newline (a write cut short): ignored
};
Result<SampleLogContent> read_sample_log_content(const std::filesystem::path& path);

}  // namespace biomedq::record
