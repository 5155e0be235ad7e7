// Biomedical text from the task definitions: the test split for fidelity, train/dev for
// calibration.
#include <algorithm>

#include "biomedq/fidelity.h"
#include "biomedq/task.h"

namespace biomedq {

namespace {

Result<TaskConfig> find_task(const std::string& name, const std::filesystem::path& tasks_dir) {
    BIOMEDQ_ASSIGN(const TaskCatalog catalog, load_tasks(tasks_dir));
    const auto& tasks = catalog.tasks;
    std::string known;
    for (const auto& t : tasks) {
        if (t.name == name) return t;
        known += (known.empty() ? "" : ", ") + t.name;
    }
    return make_error(ErrorCode::kNotFound, "unknown task \"" + name + "\" in " +
                                                tasks_dir.string() + " (known: " + known + ")");
}

void append_example_text(const Example& e, std::string& out) {
    std::string block = e.text;
    auto add = [&block](const std::string& part) {
        if (part.empty()) return;
        if (!block.empty()) block += "\n";
        block += part;
    };
    add(e.question);
    for (const auto& [key, option] : e.options) add(key + ". " + option);
    if (block.empty()) return;
    if (!out.empty()) out += "\n\n";
    out += block;
}

Result<std::string> split_text(const TaskConfig& task, const std::string& split,
                               const std::filesystem::path& data_dir) {
    BIOMEDQ_ASSIGN(const Dataset data, load_task_split(task, split, data_dir));
    std::string text;
    for (const auto& e : data.examples) append_example_text(e, text);
    if (text.empty()) {
        return make_error(ErrorCode::kInvalidArgument,
                          task.name + "/" + split + ": the split has no text (" + data.path + ")");
    }
    return text;
}

}  // namespace

Result<std::string> task_split_text(const std::string& task_name, const std::string& split,
                                    const std::filesystem::path& tasks_dir,
                                    const std::filesystem::path& data_dir) {
    BIOMEDQ_ASSIGN(const TaskConfig task, find_task(task_name, tasks_dir));
    if (!task.data.splits.count(split)) {
        std::string have;
        for (const auto& [name, spec] : task.data.splits) have += (have.empty() ? "" : ", ") + name;
        return make_error(ErrorCode::kNotFound,
                          task.name + ": no split \"" + split + "\" (declared: " + have + ")");
    }
    return split_text(task, split, data_dir);
}

Result<CalibrationText> calibration_text(const std::vector<std::string>& task_names,
                                         const std::filesystem::path& tasks_dir,
                                         const std::filesystem::path& data_dir) {
    if (task_names.empty()) {
        return make_error(ErrorCode::kInvalidArgument, "--task: name at least one task");
    }
    CalibrationText out;
    for (const auto& name : task_names) {
        BIOMEDQ_ASSIGN(const TaskConfig task, find_task(name, tasks_dir));
        bool any = false;
        for (const char* split : {"train", "dev"}) {
            if (!task.data.splits.count(split)) continue;
            BIOMEDQ_ASSIGN(const std::string text, split_text(task, split, data_dir));
            if (!out.text.empty()) out.text += "\n\n";
            out.text += text;
            out.sources.push_back(task.name + "/" + split);
            any = true;
        }
        if (!any) {
            std::string have;
            for (const auto& [split, spec] : task.data.splits)
                have += (have.empty() ? "" : ", ") + split;
            return make_error(ErrorCode::kInvalidArgument,
                              task.name + ": declares no train or dev split (declared: " + have +
                                  "); calibrating on test text would tune the quantization to the "
                                  "evaluation data: choose other tasks");
        }
    }
    return out;
}

}  // namespace biomedq
