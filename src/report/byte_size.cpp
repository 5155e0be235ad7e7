// Memory sizes as people write them (--gpu-memory 24GiB) and as reports print them.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "biomedq/report.h"
#include "core/text.h"

namespace biomedq {

Result<std::uint64_t> parse_byte_size(std::string_view text, std::string_view what) {
    const std::string accepted =
        "a number and a unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), e.g. 24GiB or 24000MiB";
    auto fail = [&](const std::string& why) {
        return make_error(ErrorCode::kInvalidArgument, std::string(what) + " \"" +
                                                           std::string(text) + "\": " + why +
                                                           "; expected " + accepted);
    };
    std::size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
        ++i;
    const std::string number(text.substr(0, i));
    std::size_t j = i;
    while (j < text.size() && text[j] == ' ') ++j;
    const std::string unit = text::to_lower(text.substr(j));
    if (number.empty() || std::count(number.begin(), number.end(), '.') > 1 || number == ".") {
        return fail("no number");
    }
    if (unit.empty()) return fail("no unit (GB and GiB differ by 7%)");
    static const std::pair<const char*, double> kUnits[] = {
        {"b", 1.0},         {"kb", 1e3},           {"mb", 1e6},
        {"gb", 1e9},        {"tb", 1e12},          {"kib", 1024.0},
        {"mib", 1048576.0}, {"gib", 1073741824.0}, {"tib", 1099511627776.0}};
    double scale = 0.0;
    for (const auto& [name, factor] : kUnits) {
        if (unit == name) scale = factor;
    }
    if (scale == 0.0) return fail("unknown unit \"" + std::string(text.substr(j)) + "\"");
    const double value = std::stod(number) * scale;
    if (!(value > 0.0)) return fail("must be more than 0");
    if (value >= 1.8e19) return fail("too large");
    return static_cast<std::uint64_t>(std::llround(value));
}

std::string format_bytes(std::uint64_t bytes) {
    const double b = static_cast<double>(bytes);
    if (bytes < 1024) return fmt::format("{} B", bytes);
    if (b < 1024.0 * 1024) return fmt::format("{:.1f} KiB", b / 1024);
    if (b < 1024.0 * 1024 * 1024) return fmt::format("{:.1f} MiB", b / (1024.0 * 1024));
    return fmt::format("{:.2f} GiB", b / (1024.0 * 1024 * 1024));
}

}  // namespace biomedq
