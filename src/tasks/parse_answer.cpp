#include "biomedq/task.h"
#include "tasks/answer_parsers.h"
#include "tasks/answer_text.h"

namespace biomedq {

Prediction parse_answer(const TaskConfig& task, const Example& example, std::string_view raw_output) {
    const std::string text = tasks::strip_thinking(raw_output);
    const std::string& parser = task.parser.name;
    if (parser == "single_label") return tasks::parse_single_label(task, text);
    if (parser == "multi_label") return tasks::parse_multi_label(task, text);
    if (parser == "mcqa_letter") return tasks::parse_mcqa_letter(task, example, text);
    if (parser == "ner_mentions") return tasks::parse_ner_mentions(task, example, text);
    return Prediction{};  // unreachable for a validated task
}

}  // namespace biomedq
