#include "data/tsv_fields.h"

#include <fmt/format.h>

#include "core/text.h"
#include "data/loader_errors.h"

namespace biomedq::data {

std::vector<std::string_view> split_on(std::string_view line, char separator) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    while (true) {
        const std::size_t tab = line.find(separator, start);
        if (tab == std::string_view::npos) {
            fields.push_back(line.substr(start));
            return fields;
        }
        fields.push_back(line.substr(start, tab - start));
        start = tab + 1;
    }
}

Result<std::string> unquote_csv_field(std::string_view field) {
    if (!field.starts_with('"')) return std::string(field);
    std::string out;
    out.reserve(field.size());
    std::size_t i = 1;
    while (i < field.size()) {
        if (field[i] != '"') {
            out += field[i++];
            continue;
        }
        if (i + 1 < field.size() && field[i + 1] == '"') {  // doubled quote inside
            out += '"';
            i += 2;
            continue;
        }
        if (i + 1 != field.size()) {
            return make_error(ErrorCode::kParse,
                              "CSV-quoted field has text after its closing quote at character " +
                                  std::to_string(i + 1));
        }
        return out;
    }
    return make_error(ErrorCode::kParse, "CSV-quoted field has no closing quote");
}

Result<std::vector<std::string_view>> split_columns(std::string_view path, std::size_t line_number,
                                                    std::string_view line,
                                                    std::initializer_list<std::string_view> names) {
    auto fields = split_tabs(line);
    if (fields.size() != names.size()) {
        return line_error(path, line_number,
                          fmt::format("expected {} TAB-separated fields ({}), found {}",
                                      names.size(), text::join(names, ", "), fields.size()));
    }
    return fields;
}

Result<std::array<std::string, 3>> read_three_fields(std::string_view path, std::size_t line_number,
                                                     std::string_view line,
                                                     const std::array<const char*, 3>& names,
                                                     int may_be_empty) {
    BIOMEDQ_ASSIGN(const auto raw,
                   split_columns(path, line_number, line, {names[0], names[1], names[2]}));
    std::array<std::string, 3> fields;
    for (std::size_t i = 0; i < 3; ++i) {
        auto value = unquote_csv_field(raw[i]);
        if (!value.ok()) return field_error(path, line_number, names[i], value.error().message);
        if (value->empty() && static_cast<int>(i) != may_be_empty) {
            return field_error(path, line_number, names[i], "empty");
        }
        fields[i] = std::move(value).value();
    }
    return fields;
}

}  // namespace biomedq::data
