// From a task's `data` section to loaded examples and their gold.
#include "biomedq/task.h"

namespace biomedq {

namespace {

std::filesystem::path split_base(const TaskConfig& task, const std::filesystem::path& data_dir) {
    const std::string& dir = task.data.dir;
    const bool yaml_relative = dir.rfind("./", 0) == 0 || dir.rfind("../", 0) == 0;
    if (yaml_relative && !task.source_path.empty()) {
        return std::filesystem::path(task.source_path).parent_path() / dir;
    }
    const std::filesystem::path root = data_dir.empty() ? default_data_dir() : data_dir;
    return dir.empty() ? root : root / dir;
}

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& file) {
    const std::filesystem::path path(file);
    return path.is_absolute() ? path : base / path;
}

}  // namespace

Result<DataSource> task_data_source(const TaskConfig& task, const std::string& split,
                                    const std::filesystem::path& data_dir) {
    const auto it = task.data.splits.find(split);
    if (it == task.data.splits.end()) {
        std::string declared;
        for (const auto& [name, spec] : task.data.splits)
            declared += (declared.empty() ? "" : ", ") + name;
        return make_error(
            ErrorCode::kNotFound,
            task.name + ": split \"" + split + "\" is not declared (declared: " + declared + ")");
    }
    const SplitSpec& spec = it->second;
    const auto base = split_base(task, data_dir);
    DataSource source;
    source.format = spec.format.empty() ? task.data.format : spec.format;
    source.path = resolve(base, spec.file).string();
    if (!spec.secondary_file.empty())
        source.secondary_path = resolve(base, spec.secondary_file).string();
    source.label_set = task.label_names();
    source.entity_type = task.data.entity_type;
    return source;
}

Result<Dataset> load_task_split(const TaskConfig& task, const std::string& split,
                                const std::filesystem::path& data_dir) {
    BIOMEDQ_ASSIGN(DataSource source, task_data_source(task, split, data_dir));
    std::error_code ec;
    if (!std::filesystem::exists(source.path, ec)) {
        return make_error(ErrorCode::kNotFound, task.name + ": split \"" + split +
                                                    "\": data file " + source.path +
                                                    " not found (set --data-dir)");
    }
    auto loaded = load_dataset(source);
    if (!loaded.ok()) return loaded.error().with_context(task.name + ": split \"" + split + "\"");
    Dataset dataset = std::move(loaded).value();
    const int limit = task.data.splits.at(split).limit;
    if (limit > 0 && dataset.examples.size() > static_cast<std::size_t>(limit)) {
        dataset.examples.resize(static_cast<std::size_t>(limit));
    }
    return dataset;
}

Gold gold_of(const TaskConfig& task, const Example& example) {
    Gold gold;
    gold.labels = example.labels;
    gold.spans = example.spans;
    // Predicted spans carry the task's entity type; gold from a loader that left it empty must
    // match.
    for (auto& span : gold.spans) {
        if (span.type.empty()) span.type = task.data.entity_type;
    }
    return gold;
}

MetricOptions metric_options_of(const TaskConfig& task) {
    MetricOptions options;
    options.label_set = task.label_names();
    options.negative_label = task.negative_label;
    return options;
}

}  // namespace biomedq
