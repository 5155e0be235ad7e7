#include "tasks/parser_options.h"

namespace biomedq::tasks {

namespace {
struct OptionDefault {
    const char* parser;
    const char* name;
    bool value;
};
constexpr OptionDefault kDefaults[] = {
    {"single_label", "first_label_fallback", false},
    {"multi_label", "none_means_empty", true},
    {"mcqa_letter", "match_option_text", true},
    {"ner_mentions", "drop_nested", true},
};
}  // namespace

std::vector<std::string> parser_option_names(const std::string& parser) {
    std::vector<std::string> names;
    for (const auto& option : kDefaults) {
        if (parser == option.parser) names.emplace_back(option.name);
    }
    return names;
}

bool parser_option(const ParserSpec& parser, const std::string& name) {
    if (auto it = parser.options.find(name); it != parser.options.end()) return it->second == "true";
    for (const auto& option : kDefaults) {
        if (parser.name == option.parser && name == option.name) return option.value;
    }
    return false;
}

}  // namespace biomedq::tasks
