#include "runner/planned_samples.h"

#include <fmt/format.h>

#include <set>

#include "record/sample_log.h"

namespace biomedq::runner {
namespace {

std::string listed(const std::vector<std::string>& items) {
    constexpr std::size_t kShown = 5;
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < kShown; ++i) out += (i ? ", " : "") + items[i];
    if (items.size() > kShown) out += fmt::format(" and {} more", items.size() - kShown);
    return out;
}

}  // namespace

Result<PlannedSamples> load_planned_samples(const std::filesystem::path& path,
                                            const EvalPlan& plan) {
    record::SampleLogContent content;
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
        BIOMEDQ_ASSIGN(content, record::read_sample_log_content(path));
    }
    std::set<std::pair<std::string, std::string>> planned;
    for (const auto& tp : plan.tasks) {
        for (const auto& ex : tp.examples) planned.emplace(tp.task.name, ex.id);
    }
    PlannedSamples out;
    out.repairs.n_partial_line_bytes = content.n_partial_bytes;
    // (task, id) -> position in content.records of the record that is scored
    std::map<std::pair<std::string, std::string>, std::size_t> kept;
    for (std::size_t i = 0; i < content.records.size(); ++i) {
        const auto& r = content.records[i];
        auto key = std::make_pair(r.task, r.id);
        const std::size_t line = content.lines[i];
        if (!planned.count(key)) {
            out.repairs.foreign.push_back({key.first, key.second, line});
            continue;
        }
        auto [it, inserted] = kept.emplace(key, i);
        if (inserted) continue;
        const std::size_t first_line = content.lines[it->second];
        if (!content.records[it->second].same_answer(r)) {
            return make_error(
                ErrorCode::kConflict,
                path.string() + ": lines " + std::to_string(first_line) + " and " +
                    std::to_string(line) + " are two different records for " + key.first + "/" +
                    key.second +
                    "; an example is scored once, so delete the wrong line (or both, to "
                    "run it again) and rerun");
        }
        out.repairs.duplicates.push_back({key.first, key.second, line, first_line});
    }
    for (auto& [key, i] : kept) out.by_task[key.first].push_back(std::move(content.records[i]));
    out.n_scored = kept.size();
    return out;
}

std::vector<std::string> repair_notes(const SampleRepairs& repairs,
                                      const std::filesystem::path& path) {
    std::vector<std::string> notes;
    if (repairs.n_partial_line_bytes > 0) {
        notes.push_back(
            fmt::format("{}: dropped a partial last line ({} bytes: a record cut off when a run "
                        "stopped mid-write); its example is not scored until it runs again",
                        path.string(), repairs.n_partial_line_bytes));
    }
    if (!repairs.duplicates.empty()) {
        std::vector<std::string> items;
        for (const auto& d : repairs.duplicates) {
            items.push_back(
                fmt::format("{}/{} (line {} repeats line {})", d.task, d.id, d.line, d.kept_line));
        }
        notes.push_back(fmt::format("{}: {} duplicate record{} not scored again: {}", path.string(),
                                    items.size(), items.size() == 1 ? "" : "s", listed(items)));
    }
    if (!repairs.foreign.empty()) {
        std::vector<std::string> items;
        for (const auto& f : repairs.foreign)
            items.push_back(fmt::format("{}/{} (line {})", f.task, f.id, f.line));
        notes.push_back(
            fmt::format("{}: {} record{} for examples this run does not select, not scored: {}",
                        path.string(), items.size(), items.size() == 1 ? "" : "s", listed(items)));
    }
    return notes;
}

}  // namespace biomedq::runner
