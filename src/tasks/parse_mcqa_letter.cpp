// A multiple-choice letter (MedQA). Letters are only read where they stand alone ("B", "(B)", "B.",
// "B)", "Option B"), because "A" is also an English word. Order of evidence: the letter after the
// last answer cue; a letter the output starts with; the only letter written as "(X)" / "X)" /
// "option X"; the only option whose text the output quotes.
#include <algorithm>
#include <cctype>
#include <set>

#include "core/text.h"
#include "tasks/answer_text.h"
#include "tasks/label_matcher.h"
#include "tasks/parser_options.h"
#include "tasks/parser_table.h"

namespace biomedq::tasks {

namespace {

std::vector<std::string> option_keys(const TaskConfig& task, const Example& example) {
    std::vector<std::string> keys;
    for (const auto& [key, text] : example.options) keys.push_back(key);
    if (keys.empty()) keys = task.label_names();
    return keys;
}

bool opens(char c) {
    return c == ' ' || c == '(' || c == '[' || c == '"' || c == '\'' || c == '\n' || c == '\t';
}
bool closes(char c) {
    return c == ' ' || c == '.' || c == ')' || c == ']' || c == ':' || c == ',' || c == '"' ||
           c == '\'' || c == '\n' || c == '\t' || c == ';' || c == '!';
}

struct LetterHit {
    std::size_t key;
    std::size_t pos;
    bool marked;  // "(B)", "B)", "option B", "choice B"
};

// Standalone occurrences of the option keys in `text` (keys are matched as written: upper case).
std::vector<LetterHit> find_letters(std::string_view text, const std::vector<std::string>& keys) {
    std::vector<LetterHit> hits;
    const std::string lower = text::to_lower(text);
    for (std::size_t k = 0; k < keys.size(); ++k) {
        const std::string& key = keys[k];
        std::size_t pos = 0;
        while ((pos = text.find(key, pos)) != std::string_view::npos) {
            const std::size_t end = pos + key.size();
            const bool before = pos == 0 || opens(text[pos - 1]);
            const bool after = end == text.size() || closes(text[end]);
            if (before && after) {
                const bool paren =
                    (pos > 0 && text[pos - 1] == '(') || (end < text.size() && text[end] == ')');
                const std::string_view lead = std::string_view(lower).substr(0, pos);
                const bool worded = lead.ends_with("option ") || lead.ends_with("choice ");
                hits.push_back({k, pos, paren || worded});
            }
            pos = end;
        }
    }
    std::sort(hits.begin(), hits.end(),
              [](const LetterHit& a, const LetterHit& b) { return a.pos < b.pos; });
    return hits;
}

// The one option whose text appears in `text` (normalized, on word boundaries), or -1.
int quoted_option(std::string_view text, const Example& example) {
    const std::string hay = " " + normalize_for_match(text) + " ";
    std::set<std::size_t> found;
    for (std::size_t i = 0; i < example.options.size(); ++i) {
        const std::string needle = normalize_for_match(example.options[i].second);
        if (!needle.empty() && hay.find(" " + needle + " ") != std::string::npos) found.insert(i);
    }
    // One option's text may contain another's ("Aspirin" in "Aspirin and heparin"): keep the
    // longest.
    if (found.size() > 1) {
        std::size_t longest = *found.begin();
        for (std::size_t i : found) {
            if (example.options[i].second.size() > example.options[longest].second.size())
                longest = i;
        }
        const std::string big = " " + normalize_for_match(example.options[longest].second) + " ";
        for (std::size_t i : found) {
            if (big.find(" " + normalize_for_match(example.options[i].second) + " ") ==
                std::string::npos) {
                return -1;
            }
        }
        return static_cast<int>(longest);
    }
    return found.empty() ? -1 : static_cast<int>(*found.begin());
}

Prediction predict(const std::string& key) {
    Prediction p;
    p.valid = true;
    p.labels = {key};
    return p;
}

}  // namespace

Prediction parse_mcqa_letter(const TaskConfig& task, const Example& example, std::string_view raw) {
    const auto keys = option_keys(task, example);
    const std::string text = strip_markdown(raw);
    const bool match_text = parser_option(task.parser, "match_option_text");

    if (auto cue = after_last_answer_cue(text, task.prompt.answer_prefix)) {
        const std::string line = cue_line(text, *cue);
        const auto hits = find_letters(line, keys);
        if (!hits.empty()) return predict(keys[hits.front().key]);
        // "answer: b" - a lone lower-case letter is unambiguous here.
        const std::string_view bare = trim(line);
        for (const auto& key : keys) {
            const std::string lower_key(1, text::to_lower(key[0]));
            if (key.size() == 1 &&
                (bare == lower_key || bare == lower_key + "." || bare == lower_key + ")")) {
                return predict(key);
            }
        }
        if (match_text) {
            if (int option = quoted_option(line, example); option >= 0) {
                return predict(example.options[static_cast<std::size_t>(option)].first);
            }
        }
    }

    const std::string_view body = trim(text);
    const auto hits = find_letters(body, keys);
    if (!hits.empty()) {
        const auto& first = hits.front();
        const std::size_t end = first.pos + keys[first.key].size();
        const bool at_start =
            first.pos == 0 || (first.pos == 1 && (body[0] == '(' || body[0] == '['));
        // "A 45-year-old..." starts with the word "a", not an answer: require punctuation or the
        // end.
        const bool closed = end == body.size() || body[end] != ' ';
        if (at_start && closed) return predict(keys[first.key]);
        if (body.size() == keys[first.key].size()) return predict(keys[first.key]);
    }
    std::set<std::size_t> marked;
    for (const auto& hit : hits) {
        if (hit.marked) marked.insert(hit.key);
    }
    if (marked.size() == 1) return predict(keys[*marked.begin()]);
    if (marked.empty() && match_text) {
        if (int option = quoted_option(body, example); option >= 0) {
            return predict(example.options[static_cast<std::size_t>(option)].first);
        }
    }
    return Prediction{};
}

}  // namespace biomedq::tasks
