// --tasks-dir adds to the shipped tasks instead of hiding them: a user with one task of their own
// still wants the 8 benchmarks beside it.
#include <algorithm>

#include "biomedq/task.h"

namespace biomedq {
namespace {

bool same_folder(const std::filesystem::path& a, const std::filesystem::path& b) {
    std::error_code ec;
    if (std::filesystem::equivalent(a, b, ec)) return true;
    return std::filesystem::absolute(a).lexically_normal() ==
           std::filesystem::absolute(b).lexically_normal();
}

}  // namespace

Result<TaskCatalog> load_tasks(const std::filesystem::path& user_dir, const std::string& protocol) {
    const std::filesystem::path shipped_dir = default_tasks_dir();
    TaskCatalog catalog;
    if (protocol != "biomedq") {
        BIOMEDQ_ASSIGN(const auto protocol_dir, protocol_tasks_dir(shipped_dir, protocol));
        BIOMEDQ_ASSIGN(catalog.tasks, load_task_dir(protocol_dir));
        return catalog;
    }
    BIOMEDQ_ASSIGN(catalog.tasks, load_task_dir(shipped_dir));
    if (user_dir.empty() || same_folder(user_dir, shipped_dir)) return catalog;
    BIOMEDQ_ASSIGN(auto user_tasks, load_task_dir(user_dir));
    for (auto& task : user_tasks) {
        auto same = std::find_if(catalog.tasks.begin(), catalog.tasks.end(),
                                 [&](const TaskConfig& t) { return t.name == task.name; });
        if (same != catalog.tasks.end()) {
            catalog.overridden.push_back(task.name);
            *same = std::move(task);
        } else {
            catalog.tasks.push_back(std::move(task));
        }
    }
    std::sort(catalog.tasks.begin(), catalog.tasks.end(),
              [](const TaskConfig& a, const TaskConfig& b) { return a.name < b.name; });
    std::sort(catalog.overridden.begin(), catalog.overridden.end());
    return catalog;
}

}  // namespace biomedq
