// results.json on disk, through the codec.
#include "biomedq/record.h"
#include "core/file_io.h"

namespace biomedq {

Result<RunRecord> read_run_record(const std::filesystem::path& run_dir) {
    const auto path = run_dir / "results.json";
    BIOMEDQ_ASSIGN(std::string text, read_file(path));
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return make_error(ErrorCode::kParse,
                          path.string() + ": not valid JSON (expected a results.json object)");
    }
    auto run = run_record_from_json(j);
    if (!run.ok()) return run.error().with_context(path.string());
    return run;
}

Status write_run_record(const std::filesystem::path& run_dir, const RunRecord& run) {
    return write_file_atomic(run_dir / "results.json", to_json(run).dump(2) + "\n");
}

}  // namespace biomedq
