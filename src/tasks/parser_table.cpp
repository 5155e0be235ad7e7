#include "tasks/parser_table.h"

namespace biomedq::tasks {

// The parsers, each defined in its own parse_<name>.cpp.
Prediction parse_single_label(const TaskConfig& task, const Example& example,
                              std::string_view text);
Prediction parse_multi_label(const TaskConfig& task, const Example& example, std::string_view text);
Prediction parse_mcqa_letter(const TaskConfig& task, const Example& example, std::string_view text);
Prediction parse_ner_mentions(const TaskConfig& task, const Example& example,
                              std::string_view text);
Prediction parse_ner_html_spans(const TaskConfig& task, const Example& example,
                                std::string_view text);

const std::vector<ParserRow>& parser_rows() {
    static const std::vector<ParserRow> rows = {
        {"ner_mentions",
         parse_ner_mentions,
         {TaskKind::kNer},
         // Gold BIO spans never nest, so an inner matched span could only be a false positive.
         {{"drop_nested", true, "drop a matched span inside another matched span"}}},
        {"ner_html_spans", parse_ner_html_spans, {TaskKind::kNer}, {}},
        {"single_label",
         parse_single_label,
         {TaskKind::kRelation, TaskKind::kMcqa},
         {{"first_label_fallback", false,
           "with several different labels and no \"Answer:\" cue, take the first instead of "
           "calling the output invalid"}}},
        {"multi_label",
         parse_multi_label,
         {TaskKind::kMultilabel},
         {{"none_means_empty", true, "\"none\"/\"no topics\" is a valid empty prediction"}}},
        {"mcqa_letter",
         parse_mcqa_letter,
         {TaskKind::kMcqa},
         {{"match_option_text", true, "an answer that quotes exactly one option's text counts"}},
         true},
    };
    return rows;
}

const std::vector<KindRow>& kind_rows() {
    static const std::vector<KindRow> rows = {
        {TaskKind::kNer, "ner", MetricFamily::kNer},
        {TaskKind::kRelation, "relation", MetricFamily::kClassification},
        {TaskKind::kMultilabel, "multilabel", MetricFamily::kMultilabel},
        {TaskKind::kMcqa, "mcqa", MetricFamily::kClassification},
    };
    return rows;
}

const ParserRow* find_parser(std::string_view name) {
    for (const auto& row : parser_rows()) {
        if (name == row.name) return &row;
    }
    return nullptr;
}

std::optional<TaskKind> kind_from_name(std::string_view name) {
    for (const auto& row : kind_rows()) {
        if (name == row.name) return row.kind;
    }
    return std::nullopt;
}

bool answers_option_key(const ParserSpec& parser) {
    const ParserRow* row = find_parser(parser.name);
    return row && row->answers_option_key;
}

std::vector<std::string> known_kinds() {
    std::vector<std::string> names;
    for (const auto& row : kind_rows()) names.emplace_back(row.name);
    return names;
}

}  // namespace biomedq::tasks
