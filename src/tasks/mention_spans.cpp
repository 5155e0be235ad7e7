#include "tasks/mention_spans.h"

#include <algorithm>
#include <cctype>

#include "core/text.h"

namespace biomedq::tasks {

namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_word(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) != 0 || u >= 0x80;
}
char fold(char c) { return text::to_lower(c); }

struct Squeezed {
    std::string chars;                // whitespace removed (and lower-cased when folded)
    std::vector<std::size_t> origin;  // chars[i] came from text[origin[i]]
};

Squeezed squeeze(const std::string& text, bool folded) {
    Squeezed s;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (is_space(text[i])) continue;
        s.chars += folded ? fold(text[i]) : text[i];
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

// The occurrences of `needle` in `hay` whose ends fall on boundaries, appended to `spans`.
// Returns how many were found.
std::size_t find_occurrences(const std::string& text, const Squeezed& hay,
                             const std::string& needle, bool tokenized, const std::string& type,
                             std::vector<Span>& spans) {
    std::size_t found = 0;
    if (needle.empty()) return found;
    std::size_t pos = 0;
    while ((pos = hay.chars.find(needle, pos)) != std::string::npos) {
        const std::size_t begin = hay.origin[pos];
        const std::size_t end = hay.origin[pos + needle.size() - 1] + 1;
        if (boundary_before(text, begin, tokenized) && boundary_after(text, end, tokenized)) {
            spans.push_back(Span{begin, end, type});
            ++found;
        }
        ++pos;
    }
    return found;
}

}  // namespace

std::vector<Span> mention_spans(const Example& example, const std::vector<std::string>& mentions,
                                const std::string& type, bool drop_nested) {
    const std::string& text = example.text;
    const bool tokenized = !example.tokens.empty();
    const Squeezed exact = squeeze(text, false);
    const Squeezed folded = squeeze(text, true);
    std::vector<Span> spans;
    for (const auto& mention : mentions) {
        // Case first: "E" (vitamin E) must not also claim the "e" of "s . e . mean". Only a mention
        // written nowhere in that case is matched ignoring it ("cisplatin" for "Cisplatin").
        if (find_occurrences(text, exact, squeeze(mention, false).chars, tokenized, type, spans) >
            0)
            continue;
        find_occurrences(text, folded, squeeze(mention, true).chars, tokenized, type, spans);
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
