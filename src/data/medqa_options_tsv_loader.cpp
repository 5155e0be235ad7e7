// MedQA with 5 options as Chen et al. 2025 evaluated it (their repository's test.tsv/dev.tsv): a
// header row (an unnamed row-index column, meta_info, question, answer_idx, answer, options),
// CSV-quoted fields that may span lines, and `options` as a Python list literal of {'key': 'A',
// 'value': text} dicts. One Example per row: id = the row index column, question, options in
// written order, labels = {answer_idx}. Columns are found by name, so a reordered file still loads.
#include <map>

#include "core/file_io.h"
#include "core/text.h"
#include "data/loader_errors.h"
#include "data/loaders.h"
#include "data/python_string_list.h"
#include "data/quoted_tsv.h"

namespace biomedq::data {
namespace {

Result<std::vector<std::pair<std::string, std::string>>> options_of(const std::string& literal,
                                                                    const std::string& path,
                                                                    std::size_t line) {
    auto dicts = parse_python_dict_list(literal);
    if (!dicts.ok()) return field_error(path, line, "options", dicts.error().message);
    std::vector<std::pair<std::string, std::string>> options;
    for (const PythonDict& dict : *dicts) {
        std::map<std::string, std::string> fields(dict.begin(), dict.end());
        if (!fields.contains("key") || !fields.contains("value") || fields["key"].empty()) {
            return field_error(path, line, "options",
                               "expected every item to be {'key': <letter>, 'value': <text>}");
        }
        options.emplace_back(fields["key"], fields["value"]);
    }
    if (options.empty())
        return field_error(path, line, "options", "empty list; expected the options A-E");
    return options;
}

}  // namespace

Result<Dataset> load_medqa_options_tsv(const DataSource& source) {
    const std::string& path = source.path;
    BIOMEDQ_ASSIGN(const std::string content, read_file(path));
    BIOMEDQ_ASSIGN(const auto rows, read_quoted_tsv(content, path));
    if (rows.empty())
        return make_error(ErrorCode::kParse, path + ": no header row (the file is empty)");
    std::map<std::string, std::size_t> column;
    for (std::size_t i = 0; i < rows[0].fields.size(); ++i) column.emplace(rows[0].fields[i], i);
    for (const char* name : {"", "question", "answer_idx", "options"}) {
        if (!column.contains(name)) {
            return field_error(path, 1, *name ? name : "(row index)",
                               "column missing from the header row");
        }
    }
    Dataset dataset{"medqa_options_tsv", path, {}, {}};
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const QuotedTsvRow& row = rows[r];
        if (row.fields.size() != rows[0].fields.size()) {
            return line_error(path, row.line,
                              "expected " + std::to_string(rows[0].fields.size()) +
                                  " TAB-separated fields (as in the header), found " +
                                  std::to_string(row.fields.size()));
        }
        Example example;
        example.id = row.fields[column[""]];
        if (example.id.empty()) return field_error(path, row.line, "(row index)", "empty");
        example.question = row.fields[column["question"]];
        if (example.question.empty()) return field_error(path, row.line, "question", "empty");
        BIOMEDQ_ASSIGN(example.options, options_of(row.fields[column["options"]], path, row.line));
        const std::string& answer = row.fields[column["answer_idx"]];
        bool known = false;
        std::vector<std::string> keys;
        for (const auto& [key, text] : example.options) {
            keys.push_back(key);
            known = known || key == answer;
        }
        if (!known) {
            return field_error(path, row.line, "answer_idx",
                               "\"" + answer + "\" is not an option key, expected one of: " +
                                   text::join(keys, ", "));
        }
        BIOMEDQ_TRY(check_label(source.label_set, answer, path, row.line, "answer_idx"));
        example.labels = {answer};
        example.source = line_source(path, row.line);
        dataset.examples.push_back(std::move(example));
    }
    return non_empty(std::move(dataset), "no rows after the header");
}

}  // namespace biomedq::data
