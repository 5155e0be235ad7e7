// Reads Python list literals (of strings, or of dicts of strings) as Python's repr() writes it,
// e.g. ['a', "it's", 'caf\xe9']. The PubMedQA TSVs store CONTEXTS and LABELS this way.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "biomedq/result.h"

namespace biomedq::data {

// Handles '...' and "..." items, the escapes \\ \' \" \n \r \t \xHH \uHHHH \UHHHHHHHH (written out
// as UTF-8) and an empty list. Error (kParse, message without location: the caller adds it) naming
// the character position otherwise.
Result<std::vector<std::string>> parse_python_string_list(std::string_view literal);

// A list of dicts with string keys and values, in written order, e.g. the 5-option MedQA TSV's
// [{'key': 'A', 'value': 'Ampicillin'}, ...]. Same strings and errors as above.
using PythonDict = std::vector<std::pair<std::string, std::string>>;
Result<std::vector<PythonDict>> parse_python_dict_list(std::string_view literal);

}  // namespace biomedq::data
