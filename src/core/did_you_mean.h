// "did you mean" hints for misspelled names (task names, keys, formats, quant types, shapes): one
// implementation for every concern that reads names from users.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace biomedq {

// Levenshtein distance, ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate if it is close enough to be a plausible typo (distance <= max(2, len/3)),
// else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean \"x\"?)" or "" — ready to append to a message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c" for messages listing the accepted values.
std::string join_names(const std::vector<std::string>& names);

}  // namespace biomedq
