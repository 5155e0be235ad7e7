// The `biomedq eval` command line the whole-command and fault tests run on a local model.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "support/paths.h"

namespace biomedq::test {

// `biomedq eval` of `model` on `tasks` (comma-separated), `limit` examples each, ctx 1024, writing
// to `out`.
inline std::vector<std::string> eval_command(const std::filesystem::path& model,
                                             const std::filesystem::path& out,
                                             const std::string& tasks, int limit, int parallel,
                                             int bootstrap) {
    return {biomedq_binary().string(),
            "eval",
            "--model",
            model.string(),
            "--tasks",
            tasks,
            "--limit",
            std::to_string(limit),
            "--ctx",
            "1024",
            "--parallel",
            std::to_string(parallel),
            "--bootstrap",
            std::to_string(bootstrap),
            "--out",
            out.string()};
}

}  // namespace biomedq::test
