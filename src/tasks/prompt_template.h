// {placeholder} substitution for prompt texts. Placeholders are a fixed set so a typo in a task
// file is caught at load time rather than sent to a model.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "biomedq/result.h"

namespace biomedq::tasks {

// text, question, options, labels, label_names, entity_type, passages_python_list
// (Example::passages as Python's str(list) writes them; a protocol's prompts show PubMedQA's
// contexts that way)
const std::vector<std::string>& known_placeholders();

// The placeholder names used in `text`, in order; an Error for an unclosed "{" or an unknown name
// (with a did-you-mean hint). "{{" and "}}" are literal braces.
Result<std::vector<std::string>> template_placeholders(std::string_view text);

// Replaces each {name} by values.at(name) (missing -> ""), "{{" -> "{", "}}" -> "}".
std::string fill_template(std::string_view text, const std::map<std::string, std::string>& values);

}  // namespace biomedq::tasks
