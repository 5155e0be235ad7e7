// What a run decides after its config.json is written (batch shape, parallel choice) is added to it
// as one more top-level field, rewritten atomically.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "biomedq/result.h"

namespace biomedq::runner {

// Sets `key` in <run_dir>/config.json to `value`. Errors: those of reading and writing the file;
// kParse when it does not hold a JSON object.
Status set_config_field(const std::filesystem::path& run_dir, const std::string& key,
                        const nlohmann::json& value);

}  // namespace biomedq::runner
