// Small definitions shared by the loader, the prompt builder and the parsers.
#include <cstdlib>

#include "biomedq/task.h"

namespace biomedq {

const char* task_kind_name(TaskKind kind) {
    switch (kind) {
        case TaskKind::kNer: return "ner";
        case TaskKind::kRelation: return "relation";
        case TaskKind::kMultilabel: return "multilabel";
        case TaskKind::kMcqa: return "mcqa";
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
    static const std::vector<std::string> names = {"ner_mentions", "ner_html_spans", "single_label",
                                                   "multi_label", "mcqa_letter"};
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
