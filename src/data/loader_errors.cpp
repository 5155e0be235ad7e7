#include "data/loader_errors.h"

#include <algorithm>

namespace biomedq::data {

std::string at_line(std::string_view path, std::size_t line) {
    return std::string(path) + ": line " + std::to_string(line);
}

Error field_error(std::string_view path, std::size_t line, std::string_view field,
                  std::string_view what) {
    return make_error(ErrorCode::kParse, at_line(path, line) + ": field \"" + std::string(field) +
                                             "\": " + std::string(what));
}

Error line_error(std::string_view path, std::size_t line, std::string_view what) {
    return make_error(ErrorCode::kParse, at_line(path, line) + ": " + std::string(what));
}

std::string join_list(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}

Status check_label(const std::vector<std::string>& label_set, const std::string& label,
                   std::string_view path, std::size_t line, std::string_view field) {
    if (label_set.empty() ||
        std::find(label_set.begin(), label_set.end(), label) != label_set.end()) {
        return Status::success();
    }
    return field_error(path, line, field,
                       "unknown label \"" + label + "\", expected one of: " + join_list(label_set));
}

}  // namespace biomedq::data
