#include "tasks/parser_options.h"

#include "tasks/parser_table.h"

namespace biomedq::tasks {

std::vector<std::string> parser_option_names(const std::string& parser) {
    std::vector<std::string> names;
    if (const ParserRow* row = find_parser(parser)) {
        for (const auto& option : row->options) names.emplace_back(option.name);
    }
    return names;
}

bool parser_option(const ParserSpec& parser, const std::string& name) {
    if (auto it = parser.options.find(name); it != parser.options.end())
        return it->second == "true";
    if (const ParserRow* row = find_parser(parser.name)) {
        for (const auto& option : row->options) {
            if (name == option.name) return option.default_value;
        }
    }
    return false;
}

}  // namespace biomedq::tasks
