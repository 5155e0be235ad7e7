// Some corpora count offsets in Unicode code points (Python string indices: the ChemProt gold
// standard), while Span holds byte offsets into the UTF-8 text. This maps one to the other.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace biomedq::data {

class CodePointToByte {
public:
    // Pure-ASCII text (most abstracts) needs no table: offsets are equal.
    explicit CodePointToByte(std::string_view text);

    // Byte offset of code point `index` (index == number of code points gives text.size());
    // nullopt past the end.
    std::optional<std::size_t> operator()(std::size_t index) const;

private:
    std::size_t size_bytes_ = 0;
    std::vector<std::size_t> byte_of_;  // empty for ASCII text
};

}  // namespace biomedq::data
