// Numbers given as text (command-line values, fields of data files and of Slurm's output): the
// whole text must be the number, so "12abc", " 12" and "" are refused rather than read as 12 or 0.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

namespace biomedq {

// std::from_chars over all of `text` (no sign for unsigned types, no leading '+' or spaces);
// nullopt when it is not a number of type T, or not only one.
template <typename T>
std::optional<T> whole_number(std::string_view text) {
    T value{};
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end) return std::nullopt;
    return value;
}

}  // namespace biomedq
