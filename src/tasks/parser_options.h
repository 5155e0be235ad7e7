// The options each named parser accepts (all booleans); their defaults and meanings are the
// parser's row in parser_table.cpp.
#pragma once

#include <string>
#include <vector>

#include "biomedq/task.h"

namespace biomedq::tasks {

std::vector<std::string> parser_option_names(const std::string& parser);
bool parser_option(const ParserSpec& parser, const std::string& name);

}  // namespace biomedq::tasks
