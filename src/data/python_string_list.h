// Reads a Python list-of-strings literal as Python's repr() writes it, e.g. ['a', "it's",
// 'caf\xe9']. The PubMedQA TSVs store CONTEXTS and LABELS this way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "biomedq/result.h"

namespace biomedq::data {

// Handles '...' and "..." items, the escapes \\ \' \" \n \r \t \xHH \uHHHH \UHHHHHHHH (written out
// as UTF-8) and an empty list. Error (kParse, message without location: the caller adds it) naming
// the character position otherwise.
Result<std::vector<std::string>> parse_python_string_list(std::string_view literal);

}  // namespace biomedq::data
