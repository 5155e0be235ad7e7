#include "data/text_lines.h"

namespace biomedq::data {

std::vector<TextLine> split_lines(std::string_view content) {
    constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
    if (content.starts_with(kUtf8Bom)) content.remove_prefix(kUtf8Bom.size());
    std::vector<TextLine> lines;
    std::size_t start = 0;
    std::size_t number = 1;
    while (start < content.size()) {
        std::size_t end = content.find('\n', start);
        const std::size_t next = end == std::string_view::npos ? content.size() : end + 1;
        if (end == std::string_view::npos) end = content.size();
        std::string_view text = content.substr(start, end - start);
        if (text.ends_with('\r')) text.remove_suffix(1);
        lines.push_back(TextLine{text, number++});
        start = next;
    }
    return lines;
}

}  // namespace biomedq::data
