#include "biomedq/task.h"
#include "tasks/answer_parsers.h"
#include "tasks/answer_text.h"

namespace biomedq {
namespace {

Prediction parse_with(const TaskConfig& task, const Example& example, std::string_view text) {
    const std::string& parser = task.parser.name;
    if (parser == "single_label") return tasks::parse_single_label(task, text);
    if (parser == "multi_label") return tasks::parse_multi_label(task, text);
    if (parser == "mcqa_letter") return tasks::parse_mcqa_letter(task, example, text);
    if (parser == "ner_mentions") return tasks::parse_ner_mentions(task, example, text);
    if (parser == "ner_html_spans") return tasks::parse_ner_html_spans(task, example, text);
    return Prediction{};  // unreachable for a validated task
}

}  // namespace

Prediction parse_answer(const TaskConfig& task, const Example& example, std::string_view raw_output) {
    const std::string text = tasks::strip_thinking(raw_output);
    Prediction pred = parse_with(task, example, text);
    // Published scoring code that counts each distinct unreadable reply as a class needs the reply.
    if (!pred.valid) pred.unparsed = std::string(tasks::trim(text));
    return pred;
}

}  // namespace biomedq
