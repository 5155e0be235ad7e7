// Case-insensitive name lookup with "did you mean" suggestions, for shapes and quant types.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/did_you_mean.h"  // edit_distance

namespace biomedq {

std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);
bool equals_ignore_case(std::string_view a, std::string_view b);

// " (did you mean \"q4_k_m\"?)" for the closest candidate within a third of the name's length
// (at least 2 edits), or "" when nothing is close.
std::string did_you_mean_suffix(std::string_view name, const std::vector<std::string>& candidates);

std::string join(const std::vector<std::string>& items, std::string_view separator);

}  // namespace biomedq
