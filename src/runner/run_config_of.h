// The RunConfig a finished run was made with, from its results.json: what rescore and compare plan
// the same tasks and examples with.
#pragma once

#include <filesystem>

#include "biomedq/record.h"
#include "biomedq/runner.h"

namespace biomedq::runner {

RunConfig config_of_run(const RunRecord& run, const std::filesystem::path& run_dir);

}  // namespace biomedq::runner
