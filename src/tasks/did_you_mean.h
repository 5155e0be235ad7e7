// "did you mean" hints for misspelled keys and names (Levenshtein distance).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace biomedq::tasks {

std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate if it is close enough to be a plausible typo (distance <= max(2, len/3)),
// else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean \"x\"?)" or "" — ready to append to a message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c" for messages listing the accepted values.
std::string join_names(const std::vector<std::string>& names);

}  // namespace biomedq::tasks
