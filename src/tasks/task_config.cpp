// Small definitions shared by the loader, the prompt builder and the parsers.
#include <cstdlib>

#include "biomedq/task.h"
#include "tasks/parser_table.h"

namespace biomedq {

const char* task_kind_name(TaskKind kind) {
    for (const auto& row : tasks::kind_rows()) {
        if (row.kind == kind) return row.name;
    }
    return "?";
}

std::vector<std::string> TaskConfig::label_names() const {
    std::vector<std::string> names;
    names.reserve(labels.size());
    for (const auto& label : labels) names.push_back(label.name);
    return names;
}

const std::vector<std::string>& known_parsers() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& row : tasks::parser_rows()) out.emplace_back(row.name);
        return out;
    }();
    return names;
}

std::filesystem::path default_tasks_dir() {
    if (const char* env = std::getenv("BIOMEDQ_TASKS_DIR"); env && *env) return env;
    // An installed biomedq (cmake --install) finds the shipped tasks beside it,
    // <prefix>/bin/biomedq -> <prefix>/share/biomedq/tasks; a build tree uses the source checkout.
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto installed = exe.parent_path().parent_path() / "share" / "biomedq" / "tasks";
        if (std::filesystem::is_directory(installed, ec)) return installed;
    }
    return std::filesystem::path(BIOMEDQ_SOURCE_DIR) / "tasks";
}

std::filesystem::path default_data_dir() {
    if (const char* env = std::getenv("BIOMEDQ_DATA_DIR"); env && *env) return env;
    return std::filesystem::weakly_canonical(std::filesystem::path(BIOMEDQ_SOURCE_DIR) / ".." /
                                             "shared" / "data");
}

}  // namespace biomedq
