// One wording for every loader's errors, so a user always sees `<file>: line <n>: field "<f>":
// <what>`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "biomedq/example.h"
#include "biomedq/result.h"

namespace biomedq::data {

// "<path>: line <n>"; the prefix of every message about one line and of Example::source-like text.
std::string at_line(std::string_view path, std::size_t line);

// kParse: "<path>: line <n>: field \"<field>\": <what>".
Error field_error(std::string_view path, std::size_t line, std::string_view field,
                  std::string_view what);

// kParse: "<path>: line <n>: <what>" for problems that are not about one field (column count).
Error line_error(std::string_view path, std::size_t line, std::string_view what);

// "<path>:<n>": an Example's source.
std::string line_source(std::string_view path, std::size_t line);

// The dataset, or kParse "<path>: <why>" when it has no examples (e.g. "no rows (the file is
// empty)").
Result<Dataset> non_empty(Dataset dataset, std::string_view why);

// Ok when `label_set` is empty or holds `label`; otherwise a field_error listing the allowed
// labels.
Status check_label(const std::vector<std::string>& label_set, const std::string& label,
                   std::string_view path, std::size_t line, std::string_view field);

}  // namespace biomedq::data
