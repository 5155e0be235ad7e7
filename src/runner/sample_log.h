// samples.jsonl: one JSON object per finished example, appended (O_APPEND, one write(2) per record)
// and flushed as each finishes, never rewritten; the caller holds the run directory's lock. Opening an existing log recovers from a kill: a last line without its newline (the
// write in flight) is cut off, so the file always ends on a complete record.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "biomedq/result.h"

namespace biomedq::runner {

class SampleLog {
public:
    // Opens (creating) `path` for appending after recovery. Errors: kIo; kParse for a damaged complete
    // line (never silently dropped).
    static Result<SampleLog> open(const std::filesystem::path& path);
    SampleLog(SampleLog&& other) noexcept;
    SampleLog& operator=(SampleLog&&) = delete;
    ~SampleLog();

    // The records already in the log.
    const std::vector<nlohmann::json>& existing() const { return existing_; }
    bool contains(const std::string& task, const std::string& id) const;

    // Appends one record with a single write(2) of the whole line. Errors: kIo (disk full, ...).
    Status append(const nlohmann::json& record);

    std::size_t n_recovered_bytes() const { return n_truncated_bytes_; }

private:
    SampleLog() = default;
    int fd_ = -1;
    std::filesystem::path path_;
    std::vector<nlohmann::json> existing_;
    std::set<std::pair<std::string, std::string>> keys_;
    std::size_t n_truncated_bytes_ = 0;
};

// Reads every record of a sample log (read-only; a partial last line is ignored, as on resume).
// Every record is checked (check_sample_record): a malformed one is kParse naming file, line and field.
Result<std::vector<nlohmann::json>> read_sample_log(const std::filesystem::path& path);

// The same, with where each record was and what was left over.
struct SampleLogContent {
    std::vector<nlohmann::json> records;
    std::vector<std::size_t> lines;   // 1-based line of each record
    std::size_t n_partial_bytes = 0;  // a last line without its newline (a write cut short): ignored
};
Result<SampleLogContent> read_sample_log_content(const std::filesystem::path& path);

}  // namespace biomedq::runner
