// The one table of task kinds and answer parsers: every other place (YAML loading, validation,
// parse_answer, option defaults, messages listing the names) reads these rows.
//
// To add a parser: write src/tasks/parse_<name>.cpp defining
//   Prediction tasks::parse_<name>(const TaskConfig&, const Example&, std::string_view text)
// (text already has reasoning blocks removed; return valid=false when no answer can be read), then
// add its declaration and one row to kParsers in parser_table.cpp: its YAML name, the function, the
// kinds it fits and its boolean options with their defaults. Nothing else changes.
// To add a kind: add the enumerator to TaskKind (biomedq/task.h) and one row to kKinds.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "biomedq/task.h"

namespace biomedq::tasks {

using ParseFn = Prediction (*)(const TaskConfig& task, const Example& example,
                               std::string_view text);

// A parser option: all are booleans written "true"/"false" in the task file.
struct ParserOption {
    const char* name;
    bool default_value;
    const char* help;  // what "true" means
};

struct ParserRow {
    const char* name;  // the task file's parser name
    ParseFn parse;
    std::vector<TaskKind> kinds;  // the task kinds it can read answers for
    std::vector<ParserOption> options;
    // The answer is an example's option key (A, B, ...): the prompt must show {options}, and
    // constrained decoding and log-likelihood scoring choose among the keys instead of the labels.
    bool answers_option_key = false;
};

// Which metrics a kind scores with.
enum class MetricFamily { kNer, kMultilabel, kClassification };

struct KindRow {
    TaskKind kind;
    const char* name;  // the task file's kind
    MetricFamily metrics;
};

const std::vector<ParserRow>& parser_rows();
const std::vector<KindRow>& kind_rows();

// nullptr for an unknown name.
const ParserRow* find_parser(std::string_view name);
std::optional<TaskKind> kind_from_name(std::string_view name);
std::vector<std::string> known_kinds();
bool answers_option_key(const ParserSpec& parser);  // "ner", "relation", ... in table order

}  // namespace biomedq::tasks
