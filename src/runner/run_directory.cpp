#include "runner/run_directory.h"

#include "core/file_io.h"
#include "core/sha256.h"

namespace biomedq::runner {

std::string identity_hash(const nlohmann::json& identity) {
    // nlohmann::json objects are ordered by key, so dump() is canonical.
    return sha256_hex(identity.dump());
}

Status claim_run_directory(const std::filesystem::path& dir, const nlohmann::json& identity) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return make_error(ErrorCode::kIo,
                          dir.string() + ": cannot create the run directory: " + ec.message());
    const auto config_path = dir / "config.json";
    const std::string hash = identity_hash(identity);
    if (std::filesystem::exists(config_path, ec)) {
        BIOMEDQ_ASSIGN(std::string text, read_file(config_path));
        auto existing = nlohmann::json::parse(text, nullptr, false);
        if (existing.is_discarded() || !existing.contains("identity") ||
            !existing.contains("hash")) {
            return make_error(
                ErrorCode::kConflict,
                config_path.string() + ": not a biomedq run configuration; use another --out");
        }
        if (existing["hash"] == hash) return Status::success();
        std::string changed;
        const auto& old_identity = existing["identity"];
        for (const auto& [key, value] : identity.items()) {
            if (!old_identity.contains(key) || old_identity[key] != value) {
                if (!changed.empty()) changed += ", ";
                changed += key + " (was " +
                           (old_identity.contains(key) ? old_identity[key].dump() : "unset") +
                           ", now " + value.dump() + ")";
            }
        }
        return make_error(ErrorCode::kConflict,
                          dir.string() + " holds a run with a different configuration: " +
                              (changed.empty() ? std::string("fields differ") : changed) +
                              "; use another --out, or delete the directory to start over");
    }
    nlohmann::json config = {{"identity", identity}, {"hash", hash}};
    return write_file_atomic(config_path, config.dump(2) + "\n");
}

}  // namespace biomedq::runner
