// The options each named parser accepts (all booleans), with their defaults in one place.
#pragma once

#include <string>
#include <vector>

#include "biomedq/task.h"

namespace biomedq::tasks {

// single_label:  first_label_fallback (false) - with several different labels and no "Answer:" cue,
//                take the first instead of calling the output invalid.
// multi_label:   none_means_empty (true) - "none"/"no topics" is a valid empty prediction.
// mcqa_letter:   match_option_text (true) - an answer that quotes exactly one option's text counts.
// ner_mentions:  drop_nested (true) - drop a matched span inside another matched span (gold BIO
//                spans never nest, so the inner one could only be a false positive).
std::vector<std::string> parser_option_names(const std::string& parser);
bool parser_option(const ParserSpec& parser, const std::string& name);

}  // namespace biomedq::tasks
