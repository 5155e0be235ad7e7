// Entity mentions as strings (the model never sees offsets): a JSON list (of strings or of objects
// with a "text"/"entity"/"mention"/"name" field), HTML highlights (<span ...>x</span>, <mark>), or
// plain text with one mention per line or separated by ", " / "; ". Every occurrence of each
// mention in the sentence becomes a span (mention_spans.h).
#include <cctype>

#include "tasks/answer_text.h"
#include "tasks/label_matcher.h"
#include "tasks/mention_spans.h"
#include "tasks/parser_options.h"
#include "tasks/parser_table.h"

namespace biomedq::tasks {

namespace {

using nlohmann::json;

std::optional<std::string> mention_of(const json& item) {
    if (item.is_string()) return item.get<std::string>();
    if (!item.is_object()) return std::nullopt;
    for (const char* key : {"text", "entity", "mention", "name"}) {
        if (item.contains(key) && item[key].is_string()) return item[key].get<std::string>();
    }
    for (const auto& [key, value] : item.items()) {
        if (value.is_string()) return value.get<std::string>();
    }
    return std::nullopt;
}

// Mentions from a JSON answer; nullopt when the JSON is not answer-shaped.
std::optional<std::vector<std::string>> read_json(const json& value) {
    if (value.is_object()) {
        for (const auto& [key, item] : value.items()) {
            if (item.is_array()) return read_json(item);  // {"entities": [...]}
        }
        return std::nullopt;
    }
    if (!value.is_array()) return std::nullopt;
    std::vector<std::string> mentions;
    for (const auto& item : value) {
        auto mention = mention_of(item);
        if (!mention) return std::nullopt;
        mentions.push_back(std::move(*mention));
    }
    return mentions;
}

// Texts inside <span ...>...</span> and <mark ...>...</mark>; nullopt when there are none.
std::optional<std::vector<std::string>> read_html(std::string_view text) {
    std::vector<std::string> mentions;
    bool any = false;
    for (const std::string tag : {"span", "mark", "entity"}) {
        std::size_t pos = 0;
        while ((pos = text.find("<" + tag, pos)) != std::string_view::npos) {
            const std::size_t open_end = text.find('>', pos);
            if (open_end == std::string_view::npos) break;
            const std::size_t close = text.find("</" + tag + ">", open_end);
            if (close == std::string_view::npos) break;
            any = true;
            mentions.emplace_back(text.substr(open_end + 1, close - open_end - 1));
            pos = close;
        }
    }
    if (!any) return std::nullopt;
    return mentions;
}

std::string clean_item(std::string_view item) {
    item = trim(item);
    // Bullets and numbering: "- x", "* x", "• x", "1. x", "2) x".
    if (item.starts_with("- ") || item.starts_with("* ")) item.remove_prefix(2);
    if (item.starts_with("\u2022")) item.remove_prefix(3);
    std::size_t digits = 0;
    while (digits < item.size() && std::isdigit(static_cast<unsigned char>(item[digits]))) ++digits;
    if (digits > 0 && digits + 1 < item.size() && (item[digits] == '.' || item[digits] == ')') &&
        item[digits + 1] == ' ') {
        item.remove_prefix(digits + 2);
    }
    item = trim(item);
    while (!item.empty() && (item.back() == '.' || item.back() == ',' || item.back() == ';'))
        item.remove_suffix(1);
    if (item.size() >= 2 && (item.front() == '"' || item.front() == '\'') &&
        item.back() == item.front()) {
        item = item.substr(1, item.size() - 2);
    }
    return std::string(trim(item));
}

bool says_none(std::string_view text) {
    const std::string n = normalize_for_match(text);
    for (const char* marker :
         {"none", "no entities", "no entity", "n a", "no chemical", "no chemicals", "no disease",
          "no diseases", "there are no", "no mentions", "nothing"}) {
        const std::string m(marker);
        if (n == m || n.rfind(m + " ", 0) == 0) return true;
    }
    return false;
}

std::vector<std::string> read_lines(std::string_view text) {
    std::vector<std::string> mentions;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t newline = text.find('\n', start);
        if (newline == std::string_view::npos) newline = text.size();
        std::string_view line = trim(text.substr(start, newline - start));
        start = newline + 1;
        if (line.empty() || line.back() == ':') continue;  // "Here are the entities:"
        // Where each separator next occurs, searched again only once passed: a line of many ", "
        // and no "; " would otherwise be rescanned to its end for every item.
        std::size_t next_comma = std::min(line.find(", "), line.size());
        std::size_t next_semicolon = std::min(line.find("; "), line.size());
        std::size_t from = 0;
        while (from <= line.size()) {
            if (next_comma < from) next_comma = std::min(line.find(", ", from), line.size());
            if (next_semicolon < from)
                next_semicolon = std::min(line.find("; ", from), line.size());
            const std::size_t cut = std::min(next_comma, next_semicolon);
            std::string item = clean_item(line.substr(from, cut - from));
            if (!item.empty()) mentions.push_back(std::move(item));
            from = cut + 2;
        }
    }
    return mentions;
}

Prediction predict(const TaskConfig& task, const Example& example,
                   const std::vector<std::string>& mentions) {
    Prediction p;
    p.valid = true;
    p.spans = mention_spans(example, mentions, task.data.entity_type,
                            parser_option(task.parser, "drop_nested"));
    return p;
}

}  // namespace

Prediction parse_ner_mentions(const TaskConfig& task, const Example& example,
                              std::string_view raw) {
    const std::string text(raw);
    const auto cue = after_last_answer_cue(text, task.prompt.answer_prefix);
    const std::string tail = cue ? text.substr(*cue) : text;

    auto answer_shaped = [](const json& value) { return read_json(value).has_value(); };
    for (const std::string* region : {&tail, &text}) {
        if (auto value = extract_json(*region, answer_shaped)) {
            return predict(task, example, *read_json(*value));
        }
    }
    if (auto mentions = read_html(tail)) return predict(task, example, *mentions);

    const std::string clean = strip_markdown(tail);
    if (says_none(clean)) return predict(task, example, {});
    Prediction p = predict(task, example, read_lines(clean));
    // Text that names nothing in the sentence was not an answer (e.g. only a preamble).
    if (p.spans.empty()) return Prediction{};
    return p;
}

}  // namespace biomedq::tasks
