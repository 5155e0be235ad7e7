#include "core/text.h"

namespace biomedq::text {

char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = to_lower(c);
    return out;
}

std::string replace_chars(std::string_view s, std::initializer_list<CharReplacement> replacements) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        const CharReplacement* hit = nullptr;
        for (const auto& r : replacements) {
            if (r.c == c) hit = &r;
        }
        if (hit) {
            out += hit->with;
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace biomedq::text
