#include "tasks/prompt_template.h"

#include "tasks/did_you_mean.h"

namespace biomedq::tasks {

const std::vector<std::string>& known_placeholders() {
    static const std::vector<std::string> names = {"text",
                                                   "question",
                                                   "options",
                                                   "labels",
                                                   "label_names",
                                                   "entity_type",
                                                   "passages_python_list"};
    return names;
}

namespace {

// Walks `text`, calling on_literal for plain text and on_name for each {name}. Returns the offset
// of an unclosed "{" or npos.
template <typename Literal, typename Name>
std::size_t walk_template(std::string_view text, Literal on_literal, Name on_name) {
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
            on_literal(std::string_view(&text[i], 1));
            i += 2;
            continue;
        }
        if (c == '{') {
            const std::size_t close = text.find('}', i + 1);
            if (close == std::string_view::npos) return i;
            on_name(text.substr(i + 1, close - i - 1));
            i = close + 1;
            continue;
        }
        const std::size_t next = text.find_first_of("{}", i + 1);
        const std::size_t end = next == std::string_view::npos ? text.size() : next;
        on_literal(text.substr(i, end - i));
        i = end;
    }
    return std::string_view::npos;
}

}  // namespace

Result<std::vector<std::string>> template_placeholders(std::string_view text) {
    std::vector<std::string> names;
    std::string unknown;
    const std::size_t unclosed = walk_template(
        text, [](std::string_view) {},
        [&](std::string_view name) {
            std::string n(name);
            bool known = false;
            for (const auto& k : known_placeholders()) known = known || k == n;
            if (!known && unknown.empty()) unknown = n;
            names.push_back(std::move(n));
        });
    if (unclosed != std::string_view::npos) {
        return make_error(ErrorCode::kParse, "unclosed \"{\" at offset " +
                                                 std::to_string(unclosed) +
                                                 " (write {{ for a literal brace)");
    }
    if (!unknown.empty()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "unknown placeholder {" + unknown + "}" +
                              did_you_mean(unknown, known_placeholders()) +
                              "; known: " + join_names(known_placeholders()));
    }
    return names;
}

std::string fill_template(std::string_view text, const std::map<std::string, std::string>& values) {
    std::string out;
    out.reserve(text.size());
    walk_template(
        text, [&](std::string_view literal) { out += literal; },
        [&](std::string_view name) {
            const auto it = values.find(std::string(name));
            if (it != values.end()) out += it->second;
        });
    return out;
}

}  // namespace biomedq::tasks
