// GBNF grammars (llama.cpp grammars/README.md) that make a model's answer parseable by
// construction. Every grammar allows one leading space, which a completion prompt ending in
// "Answer:" needs.
#include <string>

#include "biomedq/task.h"
#include "core/text.h"
#include "tasks/parser_table.h"

namespace biomedq {

namespace {

std::string literal(std::string_view text) {
    return "\"" +
           text::replace_chars(
               text, {{'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"}, {'\r', "\\r"}, {'\t', "\\t"}}) +
           "\"";
}

// A character inside [...]: escape what is special there.
std::string class_char(char c) {
    switch (c) {
        case ']':
            return "\\]";
        case '[':
            return "\\[";
        case '^':
            return "\\^";
        case '-':
            return "\\-";
        case '\\':
            return "\\\\";
        case '\n':
            return "\\n";
        default:
            return std::string(1, c);
    }
}

std::string alternatives(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& value : values) out += (out.empty() ? "" : " | ") + literal(value);
    return out;
}

std::vector<std::string> choices(const TaskConfig& task, const Example& example) {
    if (tasks::answers_option_key(task.parser) && !example.options.empty()) {
        std::vector<std::string> keys;
        for (const auto& [key, text] : example.options) keys.push_back(key);
        return keys;
    }
    return task.label_names();
}

// The rules defining `answer` (the answer text alone), one per line.
std::string answer_rules(const TaskConfig& task, const Example& example) {
    switch (task.kind) {
        case TaskKind::kNer:
            return "answer ::= \"[\" ( mention ( \", \" mention ){0,63} )? \"]\"\n"
                   "mention ::= \"\\\"\" char{1,128} \"\\\"\"\n"
                   "char ::= [^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" [\"\\\\/]\n";
        case TaskKind::kMultilabel: {
            const std::size_t more = task.labels.empty() ? 0 : task.labels.size() - 1;
            return "answer ::= \"[\" ( label ( \", \" label ){0," + std::to_string(more) +
                   "} )? \"]\"\n" + "label ::= \"\\\"\" ( " + alternatives(task.label_names()) +
                   " ) \"\\\"\"\n";
        }
        case TaskKind::kRelation:
        case TaskKind::kMcqa:
            return "answer ::= " + alternatives(choices(task, example)) + "\n";
    }
    return "answer ::= \"\"\n";
}

}  // namespace

std::string answer_grammar(const TaskConfig& task, const Example& example) {
    return "root ::= \" \"? answer\n" + answer_rules(task, example);
}

// Reasoning is free text, one line at a time, but no line may start with the answer prefix: the
// grammar's only way to finish is "<prefix> <answer>", so the final line is always parseable.
// "Does not start with P" is spelled out character by character: line ::= "\n" | [^P0\n] rest |
// "P0" l1, l1 ::= "\n" | [^P1\n] rest | "P1" l2, ...; the last step forbids the last character.
std::string cot_answer_grammar(const TaskConfig& task, const Example& example) {
    const std::string& prefix = task.prompt.answer_prefix;
    std::string rules = "root ::= line* " + literal(prefix) + " \" \"? answer\n";
    rules += "rest ::= [^\\n]* \"\\n\"\n";
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        const std::string name = i == 0 ? "line" : "l" + std::to_string(i);
        rules += name + " ::= \"\\n\" | [^" + class_char(prefix[i]) + "\\n] rest";
        if (i + 1 < prefix.size()) {
            rules += " | " + literal(std::string(1, prefix[i])) + " l" + std::to_string(i + 1);
        }
        rules += "\n";
    }
    return rules + answer_rules(task, example);
}

}  // namespace biomedq
