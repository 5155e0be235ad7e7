#include "quant/name_match.h"

#include <algorithm>
#include <cctype>

namespace biomedq {

std::string to_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string to_upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
    return to_lower(a) == to_lower(b);
}

std::string did_you_mean_suffix(std::string_view name, const std::vector<std::string>& candidates) {
    return did_you_mean(name, candidates);
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += separator;
        out += items[i];
    }
    return out;
}

}  // namespace biomedq
