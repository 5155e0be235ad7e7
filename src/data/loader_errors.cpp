#include "data/loader_errors.h"

#include <algorithm>

#include "core/text.h"

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

std::string line_source(std::string_view path, std::size_t line) {
    return std::string(path) + ":" + std::to_string(line);
}

Result<Dataset> non_empty(Dataset dataset, std::string_view why) {
    if (dataset.examples.empty())
        return make_error(ErrorCode::kParse, dataset.path + ": " + std::string(why));
    return dataset;
}

Status check_label(const std::vector<std::string>& label_set, const std::string& label,
                   std::string_view path, std::size_t line, std::string_view field) {
    if (label_set.empty() ||
        std::find(label_set.begin(), label_set.end(), label) != label_set.end()) {
        return Status::success();
    }
    return field_error(
        path, line, field,
        "unknown label \"" + label + "\", expected one of: " + text::join(label_set, ", "));
}

}  // namespace biomedq::data
