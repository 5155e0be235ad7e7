// Runs of different benchmark protocols (biomedq's own, chen2025) answer different questions with
// different prompts and metric definitions: ranking them against each other would measure the
// protocols, not the models. Report and recommend read one protocol at a time.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "biomedq/report.h"
#include "core/text.h"

namespace biomedq {

namespace {

std::string protocols_listed(const std::vector<StoredRun>& runs, std::size_t* count = nullptr) {
    std::set<std::string> present;
    for (const auto& run : runs) present.insert(run.protocol);
    if (count) *count = present.size();
    return text::join(present, ", ");
}

}  // namespace

Status check_single_protocol(const std::vector<StoredRun>& runs) {
    std::size_t count = 0;
    const std::string listed = protocols_listed(runs, &count);
    if (count <= 1) return Status::success();
    return make_error(
        ErrorCode::kInvalidArgument,
        fmt::format("the runs follow the protocols {}: their scores are not comparable with each "
                    "other; choose one with --protocol",
                    listed));
}

Result<std::vector<StoredRun>> runs_of_one_protocol(std::vector<StoredRun> runs,
                                                    const std::string& protocol) {
    if (protocol.empty()) {
        BIOMEDQ_TRY(check_single_protocol(runs));
        return runs;
    }
    const std::string listed = protocols_listed(runs);
    const bool present = std::any_of(runs.begin(), runs.end(),
                                     [&](const StoredRun& r) { return r.protocol == protocol; });
    if (!present) {
        return make_error(ErrorCode::kNotFound,
                          fmt::format("--protocol {}: the store holds no run of it (it holds {})",
                                      protocol, listed.empty() ? "none" : listed));
    }
    std::erase_if(runs, [&](const StoredRun& run) { return run.protocol != protocol; });
    return runs;
}

}  // namespace biomedq
