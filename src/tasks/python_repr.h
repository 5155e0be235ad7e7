// Python's repr() of a list of strings, as a published protocol's code put PubMedQA's contexts into
// its prompts (str(list)): ['a', "it's"]. The inverse of data/python_string_list.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace biomedq::tasks {

// repr(str) of Python 3: single quotes unless the text has a ' and no "; backslash, the quote, \t
// \n \r escaped; other control, separator and format characters as \xNN / \uNNNN (Python's
// isprintable() is False for them); every other character, non-ASCII included, as it is. Invalid
// UTF-8 bytes are written as \xNN (Python would have failed to decode them).
std::string python_repr(std::string_view text);

// "[" + repr of each item joined by ", " + "]".
std::string python_repr_list(const std::vector<std::string>& items);

}  // namespace biomedq::tasks
