#include "biomedq/task.h"
#include "tasks/answer_text.h"
#include "tasks/parser_table.h"

namespace biomedq {

Prediction parse_answer(const TaskConfig& task, const Example& example,
                        std::string_view raw_output) {
    const std::string text = tasks::strip_thinking(raw_output);
    const tasks::ParserRow* parser = tasks::find_parser(task.parser.name);
    Prediction pred =
        parser ? parser->parse(task, example, text) : Prediction{};  // validated tasks have one
    // Published scoring code that counts each distinct unreadable reply as a class needs the reply.
    if (!pred.valid) pred.unparsed = std::string(tasks::trim(text));
    return pred;
}

}  // namespace biomedq
