// TAB-separated records whose CSV-quoted fields may span lines (pandas' to_csv(sep="\t") output: a
// field holding a quote, TAB or newline is wrapped in quotes with inner quotes doubled). The
// 5-option MedQA TSV has questions with embedded lab tables written this way.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "biomedq/result.h"

namespace biomedq::data {

struct QuotedTsvRow {
    std::size_t line = 0;  // 1-based line where the record starts
    std::vector<std::string> fields;
};

// Splits `content` into records. A field is quoted exactly when it starts with `"`; CRLF ends a
// record like LF. Blank lines outside quotes are skipped. Error (kParse, naming `path` and the
// line) for a quoted field with text after its closing quote or without a closing quote.
Result<std::vector<QuotedTsvRow>> read_quoted_tsv(std::string_view content, std::string_view path);

}  // namespace biomedq::data
