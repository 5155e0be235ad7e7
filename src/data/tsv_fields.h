// TAB-separated fields as the benchmark files write them. Several of them (HoC, LitCovid, PubMedQA,
// ChemProt dev) were written by a CSV writer: a field holding a `"` is wrapped in quotes with inner
// quotes doubled. Hand-written files (DDI) hold bare quotes mid-field. Both are read correctly by
// treating a field as quoted exactly when it starts with `"`.
#pragma once

#include <array>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "biomedq/result.h"

namespace biomedq::data {

// Splits on every `separator`; "a,,b" gives three fields, "" gives one empty field.
std::vector<std::string_view> split_on(std::string_view line, char separator);
// Splits on every TAB; "a\t\tb" gives three fields, "" gives one empty field.
inline std::vector<std::string_view> split_tabs(std::string_view line) {
    return split_on(line, '\t');
}

// The line's TAB-separated fields when there are as many as `names`; otherwise the line_error
// "expected <n> TAB-separated fields (<names>), found <m>", one wording for every loader.
Result<std::vector<std::string_view>> split_columns(std::string_view path, std::size_t line_number,
                                                    std::string_view line,
                                                    std::initializer_list<std::string_view> names);

// A field starting with `"` must be a whole CSV-quoted field ("...", inner quotes doubled) and is
// unquoted; any other field is returned unchanged. Error (kParse, message without location: the
// caller adds file/line/field) when a quoted field is unterminated or has text after its closing
// quote. Quoted fields spanning lines are not supported: none of the shipped files has one.
Result<std::string> unquote_csv_field(std::string_view field);

// One `a<TAB>b<TAB>c` row of a three-column file, each field unquoted: the shape ChemProt, DDI, HoC
// and LitCovid share. Errors name the file, line and field (`names`); an empty field is an error
// unless its index is `may_be_empty`.
Result<std::array<std::string, 3>> read_three_fields(std::string_view path, std::size_t line_number,
                                                     std::string_view line,
                                                     const std::array<const char*, 3>& names,
                                                     int may_be_empty = -1);

}  // namespace biomedq::data
