#include "tasks/mention_spans.h"

#include <algorithm>
#include <cctype>

namespace biomedq::tasks {

namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_word(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) != 0 || u >= 0x80;
}
char fold(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

struct Squeezed {
    std::string chars;                // lower-cased, whitespace removed
    std::vector<std::size_t> origin;  // chars[i] came from text[origin[i]]
};

Squeezed squeeze(const std::string& text) {
    Squeezed s;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (is_space(text[i])) continue;
        s.chars += fold(text[i]);
        s.origin.push_back(i);
    }
    return s;
}

bool boundary_before(const std::string& text, std::size_t begin, bool tokenized) {
    if (begin == 0) return true;
    if (tokenized) return text[begin - 1] == ' ';
    return is_space(text[begin - 1]) || is_word(text[begin - 1]) != is_word(text[begin]);
}

bool boundary_after(const std::string& text, std::size_t end, bool tokenized) {
    if (end >= text.size()) return true;
    if (tokenized) return text[end] == ' ';
    return is_space(text[end]) || is_word(text[end - 1]) != is_word(text[end]);
}

}  // namespace

std::vector<Span> mention_spans(const Example& example, const std::vector<std::string>& mentions,
                                const std::string& type, bool drop_nested) {
    const std::string& text = example.text;
    const bool tokenized = !example.tokens.empty();
    const Squeezed hay = squeeze(text);
    std::vector<Span> spans;
    for (const auto& mention : mentions) {
        const std::string needle = squeeze(mention).chars;
        if (needle.empty()) continue;
        std::size_t pos = 0;
        while ((pos = hay.chars.find(needle, pos)) != std::string::npos) {
            const std::size_t begin = hay.origin[pos];
            const std::size_t end = hay.origin[pos + needle.size() - 1] + 1;
            if (boundary_before(text, begin, tokenized) && boundary_after(text, end, tokenized)) {
                spans.push_back(Span{begin, end, type});
            }
            ++pos;
        }
    }
    std::sort(spans.begin(), spans.end());
    spans.erase(std::unique(spans.begin(), spans.end()), spans.end());
    if (drop_nested) {
        std::vector<Span> kept;
        for (const auto& span : spans) {
            const bool nested = std::any_of(spans.begin(), spans.end(), [&](const Span& other) {
                return other != span && other.begin <= span.begin && span.end <= other.end;
            });
            if (!nested) kept.push_back(span);
        }
        spans = std::move(kept);
    }
    return spans;
}

}  // namespace biomedq::tasks
