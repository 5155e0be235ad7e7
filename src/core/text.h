// Small string helpers every concern needs: one join and one ASCII lower-case, so messages and
// matching are spelled the same everywhere. In their own namespace because src/quant/name_match.h
// still has biomedq::join/to_lower of its own (being moved to these).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace biomedq::text {

// ASCII lower case; bytes >= 0x80 (UTF-8) are kept as they are.
char to_lower(char c);
std::string to_lower(std::string_view s);

// Each character of `s` found in `replacements` replaced by its text; the others kept (escaping).
struct CharReplacement {
    char c;
    std::string_view with;
};
std::string replace_chars(std::string_view s, std::initializer_list<CharReplacement> replacements);

// The items in order with `separator` between them ("" for none). Any range of strings.
template <class Range>
std::string join(const Range& items, std::string_view separator) {
    std::string out;
    bool first = true;
    for (const auto& item : items) {
        if (!first) out += separator;
        out += item;
        first = false;
    }
    return out;
}

}  // namespace biomedq::text
