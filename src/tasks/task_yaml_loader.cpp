// Reads a task YAML into a TaskConfig. yaml-cpp exceptions stop here; every message names the file,
// the line (yaml-cpp marks are 0-based, we print 1-based), the field and what was expected.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "biomedq/task.h"
#include "tasks/did_you_mean.h"
#include "tasks/parser_options.h"
#include "tasks/parser_table.h"
#include "tasks/task_validation.h"

namespace biomedq {

namespace {

using tasks::did_you_mean;
using tasks::join_names;

class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    Error error(const YAML::Node& node, const std::string& field, const std::string& message,
                ErrorCode code = ErrorCode::kInvalidArgument) const {
        std::string where = file_;
        if (node.IsDefined() && node.Mark().line >= 0) {
            where += ": line " + std::to_string(node.Mark().line + 1);
        }
        return make_error(code, where + ": field \"" + field + "\": " + message);
    }

    // Unknown keys are almost always typos: reject them with a hint instead of ignoring them.
    Status check_keys(const YAML::Node& map, const std::string& path,
                      const std::vector<std::string>& allowed) const {
        for (auto it = map.begin(); it != map.end(); ++it) {
            const std::string key = it->first.as<std::string>();
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
            const std::string field = path.empty() ? key : path + "." + key;
            return error(
                it->first, field,
                "unknown key" + did_you_mean(key, allowed) + "; allowed: " + join_names(allowed));
        }
        return Status::success();
    }

    Result<std::string> string_of(const YAML::Node& node, const std::string& field) const {
        if (!node.IsScalar()) return error(node, field, "expected a string");
        return node.as<std::string>();
    }

    Result<std::optional<std::string>> optional_string(const YAML::Node& map,
                                                       const std::string& key,
                                                       const std::string& field) const {
        const YAML::Node node = map[key];
        if (!node.IsDefined() || node.IsNull()) return std::optional<std::string>();
        BIOMEDQ_ASSIGN(std::string value, string_of(node, field));
        return std::optional<std::string>(std::move(value));
    }

    Result<std::string> required_string(const YAML::Node& map, const std::string& key,
                                        const std::string& field) const {
        const YAML::Node node = map[key];
        if (!node.IsDefined() || node.IsNull()) {
            return error(map, field, "missing (required)", ErrorCode::kInvalidArgument);
        }
        BIOMEDQ_ASSIGN(std::string value, string_of(node, field));
        if (value.empty()) return error(node, field, "must not be empty");
        return value;
    }

    Result<int> positive_int(const YAML::Node& node, const std::string& field) const {
        try {
            const int value = node.as<int>();
            if (value <= 0) return error(node, field, "expected a positive integer");
            return value;
        } catch (const YAML::Exception&) {
            return error(node, field, "expected a positive integer, got \"" + node.Scalar() + "\"");
        }
    }

    Result<std::vector<std::string>> string_list(const YAML::Node& node,
                                                 const std::string& field) const {
        if (!node.IsSequence()) return error(node, field, "expected a list of strings");
        std::vector<std::string> out;
        for (std::size_t i = 0; i < node.size(); ++i) {
            BIOMEDQ_ASSIGN(std::string value,
                           string_of(node[i], field + "[" + std::to_string(i) + "]"));
            out.push_back(std::move(value));
        }
        return out;
    }

    Result<std::map<std::string, std::string>> string_map(const YAML::Node& node,
                                                          const std::string& field) const {
        if (!node.IsMap()) return error(node, field, "expected a map of names to strings");
        std::map<std::string, std::string> out;
        for (auto it = node.begin(); it != node.end(); ++it) {
            const std::string key = it->first.as<std::string>();
            BIOMEDQ_ASSIGN(out[key], string_of(it->second, field + "." + key));
        }
        return out;
    }

    Result<TaskKind> kind_of(const YAML::Node& map) const {
        BIOMEDQ_ASSIGN(std::string kind, required_string(map, "kind", "kind"));
        if (auto known = tasks::kind_from_name(kind)) return *known;
        const auto kinds = tasks::known_kinds();
        return error(map["kind"], "kind",
                     "unknown kind \"" + kind + "\"" + did_you_mean(kind, kinds) +
                         "; expected one of: " + join_names(kinds));
    }

    Result<SplitSpec> split_of(const YAML::Node& node, const std::string& field) const {
        SplitSpec split;
        if (node.IsScalar()) {
            split.file = node.as<std::string>();
            return split;
        }
        if (!node.IsMap()) return error(node, field, "expected a file name or a map with \"file\"");
        BIOMEDQ_TRY(check_keys(node, field, {"file", "secondary_file", "format", "limit", "note"}));
        BIOMEDQ_ASSIGN(split.file, required_string(node, "file", field + ".file"));
        BIOMEDQ_ASSIGN(auto secondary,
                       optional_string(node, "secondary_file", field + ".secondary_file"));
        split.secondary_file = secondary.value_or("");
        BIOMEDQ_ASSIGN(auto format, optional_string(node, "format", field + ".format"));
        split.format = format.value_or("");
        BIOMEDQ_ASSIGN(auto note, optional_string(node, "note", field + ".note"));
        split.note = note.value_or("");
        if (node["limit"].IsDefined()) {
            BIOMEDQ_ASSIGN(split.limit, positive_int(node["limit"], field + ".limit"));
        }
        return split;
    }

    Result<TaskData> data_of(const YAML::Node& map) const {
        const YAML::Node node = map["data"];
        if (!node.IsDefined()) return error(map, "data", "missing (required)");
        if (!node.IsMap()) return error(node, "data", "expected a map");
        BIOMEDQ_TRY(check_keys(node, "data", {"format", "dir", "entity_type", "splits"}));
        TaskData data;
        BIOMEDQ_ASSIGN(data.format, required_string(node, "format", "data.format"));
        BIOMEDQ_ASSIGN(auto dir, optional_string(node, "dir", "data.dir"));
        data.dir = dir.value_or("");
        BIOMEDQ_ASSIGN(auto entity_type, optional_string(node, "entity_type", "data.entity_type"));
        data.entity_type = entity_type.value_or("");
        const YAML::Node splits = node["splits"];
        if (!splits.IsDefined()) return error(node, "data.splits", "missing (required)");
        if (!splits.IsMap()) return error(splits, "data.splits", "expected a map split -> file");
        for (auto it = splits.begin(); it != splits.end(); ++it) {
            const std::string name = it->first.as<std::string>();
            BIOMEDQ_ASSIGN(SplitSpec split, split_of(it->second, "data.splits." + name));
            data.splits[name] = std::move(split);
        }
        return data;
    }

    Result<std::vector<LabelSpec>> labels_of(const YAML::Node& map) const {
        std::vector<LabelSpec> labels;
        const YAML::Node node = map["labels"];
        if (!node.IsDefined() || node.IsNull()) return labels;
        if (!node.IsSequence()) return error(node, "labels", "expected a list of labels");
        for (std::size_t i = 0; i < node.size(); ++i) {
            const std::string field = "labels[" + std::to_string(i) + "]";
            const YAML::Node item = node[i];
            LabelSpec label;
            if (item.IsScalar()) {
                label.name = item.as<std::string>();
            } else if (item.IsMap()) {
                BIOMEDQ_TRY(check_keys(item, field, {"name", "synonyms", "description"}));
                BIOMEDQ_ASSIGN(label.name, required_string(item, "name", field + ".name"));
                if (item["synonyms"].IsDefined()) {
                    BIOMEDQ_ASSIGN(label.synonyms,
                                   string_list(item["synonyms"], field + ".synonyms"));
                }
                BIOMEDQ_ASSIGN(auto description,
                               optional_string(item, "description", field + ".description"));
                label.description = description.value_or("");
            } else {
                return error(item, field, "expected a label name or a map with \"name\"");
            }
            labels.push_back(std::move(label));
        }
        return labels;
    }

    Result<PromptSpec> prompt_of(const YAML::Node& map) const {
        const YAML::Node node = map["prompt"];
        if (!node.IsDefined()) return error(map, "prompt", "missing (required)");
        if (!node.IsMap()) return error(node, "prompt", "expected a map");
        BIOMEDQ_TRY(check_keys(node, "prompt",
                               {"system", "instruction", "input_template", "answer_format",
                                "cot_instruction", "few_shot_split", "answer_prefix", "files"}));
        PromptSpec prompt;
        if (node["files"].IsDefined()) {
            BIOMEDQ_ASSIGN(prompt.files, string_map(node["files"], "prompt.files"));
            if (prompt.files.empty())
                return error(node["files"], "prompt.files", "expected at least one file");
        }
        // A published prompt file holds the instruction and answer format itself.
        const bool published = !prompt.files.empty();
        auto read = [&](const char* key, std::string& out) -> Status {
            BIOMEDQ_ASSIGN(auto value, optional_string(node, key, std::string("prompt.") + key));
            if (value) out = *value;
            return Status::success();
        };
        BIOMEDQ_TRY(read("system", prompt.system));
        if (published) {
            BIOMEDQ_TRY(read("instruction", prompt.instruction));
            BIOMEDQ_TRY(read("answer_format", prompt.answer_format));
        } else {
            BIOMEDQ_ASSIGN(prompt.instruction,
                           required_string(node, "instruction", "prompt.instruction"));
            BIOMEDQ_ASSIGN(prompt.answer_format,
                           required_string(node, "answer_format", "prompt.answer_format"));
        }
        BIOMEDQ_ASSIGN(prompt.input_template,
                       required_string(node, "input_template", "prompt.input_template"));
        BIOMEDQ_TRY(read("cot_instruction", prompt.cot_instruction));
        BIOMEDQ_TRY(read("few_shot_split", prompt.few_shot_split));
        BIOMEDQ_TRY(read("answer_prefix", prompt.answer_prefix));
        return prompt;
    }

    Result<ParserSpec> parser_of(const YAML::Node& map) const {
        const YAML::Node node = map["parser"];
        if (!node.IsDefined()) return error(map, "parser", "missing (required)");
        ParserSpec parser;
        YAML::Node name_node = node;
        if (node.IsMap()) {
            BIOMEDQ_TRY(check_keys(node, "parser", {"name", "options"}));
            BIOMEDQ_ASSIGN(parser.name, required_string(node, "name", "parser.name"));
            name_node.reset(node["name"]);  // operator= would overwrite the parser node
            const YAML::Node options = node["options"];
            if (options.IsDefined() && !options.IsNull()) {
                if (!options.IsMap()) return error(options, "parser.options", "expected a map");
                for (auto it = options.begin(); it != options.end(); ++it) {
                    const std::string key = it->first.as<std::string>();
                    BIOMEDQ_ASSIGN(parser.options[key],
                                   string_of(it->second, "parser.options." + key));
                }
            }
        } else {
            BIOMEDQ_ASSIGN(parser.name, string_of(node, "parser"));
        }
        const auto& known = known_parsers();
        if (std::find(known.begin(), known.end(), parser.name) == known.end()) {
            return error(name_node, "parser",
                         "unknown parser \"" + parser.name + "\"" +
                             did_you_mean(parser.name, known) + "; known: " + join_names(known));
        }
        const auto allowed = tasks::parser_option_names(parser.name);
        for (const auto& [key, value] : parser.options) {
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
                return error(node["options"], "parser.options." + key,
                             "unknown option for parser " + parser.name +
                                 did_you_mean(key, allowed) +
                                 "; allowed: " + (allowed.empty() ? "none" : join_names(allowed)));
            }
            if (value != "true" && value != "false") {
                return error(node["options"], "parser.options." + key, "expected true or false");
            }
        }
        return parser;
    }

    Result<TaskConfig> task_of(const YAML::Node& root) const {
        if (!root.IsMap()) return error(root, "(top level)", "expected a map of task fields");
        BIOMEDQ_TRY(check_keys(
            root, "",
            {"name", "description", "kind", "data", "labels", "negative_label", "prompt", "parser",
             "metrics", "max_tokens", "max_tokens_cot", "protocol", "published_metric_names"}));
        TaskConfig task;
        task.source_path = file_;
        BIOMEDQ_ASSIGN(task.name, required_string(root, "name", "name"));
        for (unsigned char c : task.name) {
            if (!(std::islower(c) || std::isdigit(c) || c == '-' || c == '_')) {
                return error(root["name"], "name",
                             "\"" + task.name + "\" must use only a-z, 0-9, '-' and '_'");
            }
        }
        BIOMEDQ_ASSIGN(auto description, optional_string(root, "description", "description"));
        task.description = description.value_or("");
        BIOMEDQ_ASSIGN(auto protocol, optional_string(root, "protocol", "protocol"));
        task.protocol = protocol.value_or("");
        if (root["published_metric_names"].IsDefined()) {
            BIOMEDQ_ASSIGN(task.published_metric_names,
                           string_map(root["published_metric_names"], "published_metric_names"));
        }
        BIOMEDQ_ASSIGN(task.kind, kind_of(root));
        BIOMEDQ_ASSIGN(task.data, data_of(root));
        BIOMEDQ_ASSIGN(task.labels, labels_of(root));
        BIOMEDQ_ASSIGN(auto negative, optional_string(root, "negative_label", "negative_label"));
        task.negative_label = negative.value_or("");
        BIOMEDQ_ASSIGN(task.prompt, prompt_of(root));
        BIOMEDQ_ASSIGN(task.parser, parser_of(root));
        if (!root["metrics"].IsDefined()) return error(root, "metrics", "missing (required)");
        BIOMEDQ_ASSIGN(task.metrics, string_list(root["metrics"], "metrics"));
        if (root["max_tokens"].IsDefined()) {
            BIOMEDQ_ASSIGN(task.max_tokens, positive_int(root["max_tokens"], "max_tokens"));
        }
        if (root["max_tokens_cot"].IsDefined()) {
            BIOMEDQ_ASSIGN(task.max_tokens_cot,
                           positive_int(root["max_tokens_cot"], "max_tokens_cot"));
        }
        // Semantic checks get the node of the field they concern, for the line number.
        auto locate = [&](const std::string& field) -> YAML::Node {
            const std::string top = field.substr(0, field.find_first_of(".["));
            const YAML::Node node = root[top];
            if (top == "prompt" && node.IsMap()) {
                const std::string sub = field.substr(field.find('.') + 1);
                if (node[sub].IsDefined()) return node[sub];
            }
            if (top == "data" && node.IsMap()) {
                const std::string sub = field.substr(field.find('.') + 1);
                const std::string first = sub.substr(0, sub.find('.'));
                if (node[first].IsDefined()) return node[first];
            }
            return node.IsDefined() ? node : root;
        };
        if (auto issue = tasks::validate_task(task)) {
            return error(locate(issue->field), issue->field, issue->message);
        }
        return task;
    }

private:
    std::string file_;
};

}  // namespace

Result<TaskConfig> load_task_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return make_error(ErrorCode::kNotFound, path.string() + ": task file not found");
    }
    Reader reader(path.string());
    try {
        const YAML::Node root = YAML::LoadFile(path.string());
        return reader.task_of(root);
    } catch (const YAML::ParserException& e) {
        return make_error(ErrorCode::kParse, path.string() + ": line " +
                                                 std::to_string(e.mark.line + 1) +
                                                 ": YAML syntax error: " + e.msg);
    } catch (const YAML::Exception& e) {
        return make_error(ErrorCode::kParse, path.string() + ": line " +
                                                 std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
}

Result<std::vector<TaskConfig>> load_task_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        return make_error(ErrorCode::kNotFound, dir.string() + ": task directory not found");
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml"))
            files.push_back(entry.path());
    }
    if (ec) return make_error(ErrorCode::kIo, dir.string() + ": " + ec.message());
    std::sort(files.begin(), files.end());
    std::vector<TaskConfig> tasks;
    for (const auto& file : files) {
        BIOMEDQ_ASSIGN(TaskConfig task, load_task_file(file));
        for (const auto& other : tasks) {
            if (other.name == task.name) {
                return make_error(ErrorCode::kConflict, file.string() + ": task name \"" +
                                                            task.name + "\" already defined in " +
                                                            other.source_path);
            }
        }
        tasks.push_back(std::move(task));
    }
    std::sort(tasks.begin(), tasks.end(),
              [](const TaskConfig& a, const TaskConfig& b) { return a.name < b.name; });
    return tasks;
}

}  // namespace biomedq
