// Splits a loaded file into numbered lines once, so every loader reports the same 1-based line
// numbers and none has to care about CRLF files (DDI2013 and ChemProt dev.tsv are CRLF) or a UTF-8
// BOM.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace biomedq::data {

struct TextLine {
    std::string_view
        text;  // without the line terminator (LF or CRLF); views into the loaded content
    std::size_t number = 0;  // 1-based
};

// A final line without a terminator is still a line; a trailing terminator adds no empty line.
// The views stay valid as long as `content` does.
std::vector<TextLine> split_lines(std::string_view content);

}  // namespace biomedq::data
