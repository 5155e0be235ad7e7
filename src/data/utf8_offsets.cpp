#include "data/utf8_offsets.h"

#include <algorithm>

namespace biomedq::data {

CodePointToByte::CodePointToByte(std::string_view text) : size_bytes_(text.size()) {
    const bool ascii = std::all_of(text.begin(), text.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii) return;
    byte_of_.reserve(text.size() + 1);
    for (std::size_t i = 0; i < text.size(); ++i) {
        // Continuation bytes (10xxxxxx) do not start a code point.
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) byte_of_.push_back(i);
    }
    byte_of_.push_back(text.size());
}

std::optional<std::size_t> CodePointToByte::operator()(std::size_t index) const {
    if (byte_of_.empty()) {
        if (index > size_bytes_) return std::nullopt;
        return index;
    }
    if (index >= byte_of_.size()) return std::nullopt;
    return byte_of_[index];
}

}  // namespace biomedq::data
