// MedQA JSONL: one question per line -> one Example (id = 0-based line index among questions,
// question, options (key, text) sorted by key, labels = {answer_idx}). `answer_idx` must name one
// of the options. `answer` (the correct option's text), meta_info and metamap_phrases are not
// needed by the task and are not read. Blank lines are not allowed: JSONL has none.
#include <nlohmann/json.hpp>

#include "core/file_io.h"
#include "core/text.h"
#include "data/loader_errors.h"
#include "data/loaders.h"
#include "data/text_lines.h"

namespace biomedq::data {
namespace {

using nlohmann::json;

Result<std::string> string_field(const json& object, const char* name, const std::string& path,
                                 std::size_t line) {
    const auto it = object.find(name);
    if (it == object.end()) return field_error(path, line, name, "missing");
    if (!it->is_string()) {
        return field_error(path, line, name,
                           std::string("expected a string, found ") + it->type_name());
    }
    return it->get<std::string>();
}

Result<Example> parse_question(const json& record, const DataSource& source, std::size_t line) {
    const std::string& path = source.path;
    if (!record.is_object()) {
        return line_error(path, line,
                          std::string("expected a JSON object, found ") + record.type_name());
    }
    Example example;
    BIOMEDQ_ASSIGN(example.question, string_field(record, "question", path, line));
    const auto options = record.find("options");
    if (options == record.end()) return field_error(path, line, "options", "missing");
    if (!options->is_object() || options->empty()) {
        return field_error(path, line, "options", "expected a non-empty object {\"A\": text, ...}");
    }
    for (const auto& [key, value] : options->items()) {  // nlohmann::json keeps keys sorted
        if (!value.is_string()) {
            return field_error(path, line, "options." + key,
                               std::string("expected a string, found ") + value.type_name());
        }
        example.options.emplace_back(key, value.get<std::string>());
    }
    BIOMEDQ_ASSIGN(std::string answer, string_field(record, "answer_idx", path, line));
    if (!options->contains(answer)) {
        std::vector<std::string> keys;
        for (const auto& option : example.options) keys.push_back(option.first);
        return field_error(
            path, line, "answer_idx",
            "\"" + answer + "\" is not an option key, expected one of: " + text::join(keys, ", "));
    }
    BIOMEDQ_TRY(check_label(source.label_set, answer, path, line, "answer_idx"));
    example.labels = {std::move(answer)};
    return example;
}

}  // namespace

Result<Dataset> load_medqa_jsonl(const DataSource& source) {
    BIOMEDQ_ASSIGN(const std::string content, read_file(source.path));
    Dataset dataset{"medqa_jsonl", source.path, {}, {}};
    for (const TextLine& line : split_lines(content)) {
        json record;
        try {
            record = json::parse(line.text);
        } catch (const json::exception& e) {
            return line_error(source.path, line.number, std::string("invalid JSON: ") + e.what());
        }
        BIOMEDQ_ASSIGN(Example example, parse_question(record, source, line.number));
        example.id = std::to_string(dataset.examples.size());
        example.source = line_source(source.path, line.number);
        dataset.examples.push_back(std::move(example));
    }
    return non_empty(std::move(dataset), "no questions (the file is empty)");
}

}  // namespace biomedq::data
