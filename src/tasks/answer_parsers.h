// The named answer parsers (see parser_options.h for their options). Each reads text that already
// had reasoning blocks removed, and returns valid=false when it cannot read an answer.
#pragma once

#include <string_view>

#include "biomedq/task.h"

namespace biomedq::tasks {

Prediction parse_single_label(const TaskConfig& task, std::string_view text);
Prediction parse_multi_label(const TaskConfig& task, std::string_view text);
Prediction parse_mcqa_letter(const TaskConfig& task, const Example& example, std::string_view text);
Prediction parse_ner_mentions(const TaskConfig& task, const Example& example, std::string_view text);
Prediction parse_ner_html_spans(const TaskConfig& task, const Example& example, std::string_view text);

}  // namespace biomedq::tasks
