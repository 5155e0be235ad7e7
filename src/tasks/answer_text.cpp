#include "tasks/answer_text.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "core/text.h"

namespace biomedq::tasks {

namespace {

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// A real answer nests two or three levels deep. Runs nested deeper are never parsed, which bounds
// the work of extract_json: each character lies in at most kMaxJsonDepth runs that get parsed, so a
// reply of a million "[" costs one pass instead of a scan to the end from every bracket.
constexpr int kMaxJsonDepth = 32;

struct BracketRun {
    std::size_t begin = 0;
    std::size_t end = 0;  // one past the closing bracket
    int pass = 0;         // 0: JSON strings honoured, 1: quotes ignored
};

// Inside a JSON string: steps over an escaped character and notices the closing quote. True when
// text[i] belonged to the string (the caller moves on to the next character).
bool step_in_string(std::string_view text, std::size_t& i, bool& in_string) {
    if (!in_string) return false;
    if (text[i] == '\\') {
        ++i;
    } else if (text[i] == '"') {
        in_string = false;
    }
    return true;
}

// Every balanced [...] or {...} run in one left-to-right pass, nested at most kMaxJsonDepth deep.
// With `honour_strings`, brackets inside a JSON string (a quote opened within brackets) do not
// count; without it, quotes are plain text, which recovers a run that follows a stray quote.
void collect_bracket_runs(std::string_view text, bool honour_strings,
                          std::vector<BracketRun>& out) {
    struct Open {
        std::size_t pos;
        int depth_inside;  // deepest nesting closed inside so far
    };
    std::vector<Open> open;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (step_in_string(text, i, in_string)) continue;
        const char c = text[i];
        if (c == '"') {
            in_string = honour_strings && !open.empty();  // quotes outside brackets are prose
        } else if (c == '[' || c == '{') {
            open.push_back(Open{i, 0});
        } else if ((c == ']' || c == '}') && !open.empty()) {
            const Open o = open.back();
            open.pop_back();
            const int depth = o.depth_inside + 1;
            if (depth <= kMaxJsonDepth)
                out.push_back(BracketRun{o.pos, i + 1, honour_strings ? 0 : 1});
            if (!open.empty()) open.back().depth_inside = std::max(open.back().depth_inside, depth);
        }
    }
}

// Deepest bracket nesting of `text` (JSON strings honoured), stopping early past `limit`.
int nesting_depth(std::string_view text, int limit) {
    int depth = 0, deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size() && deepest <= limit; ++i) {
        if (step_in_string(text, i, in_string)) continue;
        const char c = text[i];
        if (c == '"')
            in_string = true;
        else if (c == '[' || c == '{')
            deepest = std::max(deepest, ++depth);
        else if ((c == ']' || c == '}') && depth > 0)
            --depth;
    }
    return deepest;
}

std::optional<nlohmann::json> parse_json(std::string_view text, const JsonFilter& accept) {
    auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !(json.is_array() || json.is_object())) return std::nullopt;
    if (accept && !accept(json)) return std::nullopt;
    return json;
}

}  // namespace

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
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
            static const char* const tags[] = {"<b>",       "</b>", "<strong>",
                                               "</strong>", "<u>",  "</u>"};
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
    const std::string haystack = text::to_lower(text);
    std::string prefix_word = text::to_lower(trim(prefix));
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
            for (const char* sep :
                 {":", "-", "=", "is:", "is ", "would be ", "should be ", "is\n"}) {
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
        const std::string_view block = trim(text.substr(body + 1, close - body - 1));
        if (nesting_depth(block, kMaxJsonDepth) <= kMaxJsonDepth) {
            if (auto json = parse_json(block, accept)) return json;
        }
        fence = close + 3;
    }
    // The first run (by its opening bracket) that parses and is accepted; for one opening bracket
    // the string-aware run is tried first.
    std::vector<BracketRun> runs;
    collect_bracket_runs(text, /*honour_strings=*/true, runs);
    collect_bracket_runs(text, /*honour_strings=*/false, runs);
    std::sort(runs.begin(), runs.end(), [](const BracketRun& a, const BracketRun& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.pass < b.pass;
    });
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const BracketRun& r = runs[k];
        if (k > 0 && runs[k - 1].begin == r.begin && runs[k - 1].end == r.end) continue;
        if (auto json = parse_json(text.substr(r.begin, r.end - r.begin), accept)) return json;
    }
    return std::nullopt;
}

}  // namespace biomedq::tasks
