// A run directory's identity: config.json holds the configuration that determines results and its
// hash. Resuming with the same hash continues; a different one is refused, naming what changed.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "biomedq/result.h"

namespace biomedq::runner {

std::string identity_hash(const nlohmann::json& identity);

// Creates `dir` and config.json, or checks that an existing config.json has the same identity.
// Errors: kConflict listing the fields that differ, kIo.
Status claim_run_directory(const std::filesystem::path& dir, const nlohmann::json& identity);

}  // namespace biomedq::runner
