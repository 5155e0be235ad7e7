#include "data/tsv_fields.h"

namespace biomedq::data {

std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    while (true) {
        const std::size_t tab = line.find('\t', start);
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

}  // namespace biomedq::data
