#include "runner/config_field.h"

#include "core/file_io.h"

namespace biomedq::runner {

Status set_config_field(const std::filesystem::path& run_dir, const std::string& key,
                        const nlohmann::json& value) {
    const auto path = run_dir / "config.json";
    BIOMEDQ_ASSIGN(std::string text, read_file(path));
    auto config = nlohmann::json::parse(text, nullptr, false);
    if (config.is_discarded() || !config.is_object()) {
        return make_error(ErrorCode::kParse, path.string() + ": not valid JSON");
    }
    config[key] = value;
    return write_file_atomic(path, config.dump(2) + "\n");
}

}  // namespace biomedq::runner
