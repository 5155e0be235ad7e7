#include "tasks/answer_text.h"

#include <cctype>
#include <string>

namespace biomedq::tasks {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Parses the balanced bracket run starting at `open`, honouring JSON strings; npos if unbalanced.
std::size_t balanced_end(std::string_view text, std::size_t open) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = open; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '[' || c == '{') ++depth;
        else if (c == ']' || c == '}') {
            if (--depth == 0) return i + 1;
        }
    }
    return std::string_view::npos;
}

std::optional<nlohmann::json> parse_json(std::string_view text, const JsonFilter& accept) {
    auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !(json.is_array() || json.is_object())) return std::nullopt;
    if (accept && !accept(json)) return std::nullopt;
    return json;
}

}  // namespace

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
}

std::string strip_thinking(std::string_view text) {
    const std::size_t close = text.rfind("</think>");
    if (close == std::string_view::npos) return std::string(text);
    return std::string(text.substr(close + 8));
}

std::string strip_markdown(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '*' || c == '`' || c == '#') continue;
        if (c == '<') {
            // <b>, </b>, <strong>, </strong>, <u>, </u>: emphasis only.
            static const char* const tags[] = {"<b>", "</b>", "<strong>", "</strong>", "<u>", "</u>"};
            bool skipped = false;
            for (const char* tag : tags) {
                const std::string_view t(tag);
                if (text.substr(i, t.size()) == t) {
                    i += t.size() - 1;
                    skipped = true;
                    break;
                }
            }
            if (skipped) continue;
        }
        out += c;
    }
    return out;
}

std::optional<std::size_t> after_last_answer_cue(std::string_view text, std::string_view prefix) {
    const std::string haystack = lower(text);
    std::string prefix_word = lower(trim(prefix));
    while (!prefix_word.empty() && !is_word(prefix_word.back())) prefix_word.pop_back();
    std::optional<std::size_t> best;
    for (const std::string& word : {std::string("answer"), prefix_word}) {
        if (word.empty()) continue;
        std::size_t pos = 0;
        while ((pos = haystack.find(word, pos)) != std::string::npos) {
            std::size_t i = pos + word.size();
            const bool starts_word = pos == 0 || !is_word(haystack[pos - 1]);
            pos += 1;
            if (!starts_word || (i < haystack.size() && is_word(haystack[i]))) continue;
            // Skip spaces and emphasis, then require a separator.
            auto skip = [&] {
                while (i < haystack.size() && (haystack[i] == ' ' || haystack[i] == '*' ||
                                               haystack[i] == '_' || haystack[i] == '\t')) {
                    ++i;
                }
            };
            skip();
            bool separated = false;
            for (const char* sep : {":", "-", "=", "is:", "is ", "would be ", "should be ", "is\n"}) {
                const std::string_view s(sep);
                if (haystack.compare(i, s.size(), s) == 0) {
                    i += s.size();
                    separated = true;
                    break;
                }
            }
            if (!separated) continue;
            skip();
            if (!best || i > *best) best = i;
        }
    }
    return best;
}

std::string cue_line(std::string_view text, std::size_t offset) {
    std::string_view rest = text.substr(std::min(offset, text.size()));
    while (!rest.empty()) {
        const std::size_t newline = rest.find('\n');
        const std::string_view line = rest.substr(0, newline);
        if (!trim(line).empty()) return std::string(trim(line));
        if (newline == std::string_view::npos) break;
        rest.remove_prefix(newline + 1);
    }
    return std::string();
}

std::optional<nlohmann::json> extract_json(std::string_view text, const JsonFilter& accept) {
    std::size_t fence = 0;
    while ((fence = text.find("```", fence)) != std::string_view::npos) {
        std::size_t body = text.find('\n', fence);
        if (body == std::string_view::npos) break;
        const std::size_t close = text.find("```", body);
        if (close == std::string_view::npos) break;
        if (auto json = parse_json(trim(text.substr(body + 1, close - body - 1)), accept)) return json;
        fence = close + 3;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '[' && text[i] != '{') continue;
        const std::size_t end = balanced_end(text, i);
        if (end == std::string_view::npos) continue;
        if (auto json = parse_json(text.substr(i, end - i), accept)) return json;
    }
    return std::nullopt;
}

}  // namespace biomedq::tasks
