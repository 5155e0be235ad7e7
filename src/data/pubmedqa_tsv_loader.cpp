// PubMedQA TSV as shipped by gpt_bionlp_benchmark (test.tsv, train.tsv, dev.tsv, sample200): a
// header row naming the columns (QUESTION CONTEXTS LABELS MESHES YEAR reasoning_required_pred
// reasoning_free_pred final_decision LONG_ANSWER pmid), CSV-quoted fields, and CONTEXTS written as
// a Python list literal. Columns are found by name, so a reordered file still loads. Gives the same
// Example as pubmedqa_json for the same PMID (see pubmedqa_fields.h).
#include <map>

#include "core/file_io.h"
#include "data/loader_errors.h"
#include "data/loaders.h"
#include "data/pubmedqa_fields.h"
#include "data/python_string_list.h"
#include "data/text_lines.h"
#include "data/tsv_fields.h"

namespace biomedq::data {

Result<Dataset> load_pubmedqa_tsv(const DataSource& source) {
    BIOMEDQ_ASSIGN(const std::string content, read_file(source.path));
    const std::string& path = source.path;
    const auto lines = split_lines(content);
    if (lines.empty())
        return make_error(ErrorCode::kParse, path + ": no header row (the file is empty)");

    const auto header = split_tabs(lines[0].text);
    std::map<std::string_view, std::size_t> column;
    for (std::size_t i = 0; i < header.size(); ++i) column.emplace(header[i], i);
    static constexpr std::string_view kNeeded[] = {"QUESTION", "CONTEXTS", "final_decision",
                                                   "pmid"};
    for (std::string_view name : kNeeded) {
        if (!column.contains(name)) {
            return field_error(path, 1, name, "column missing from the header row");
        }
    }

    Dataset dataset{"pubmedqa_tsv", path, {}, {}};
    for (std::size_t n = 1; n < lines.size(); ++n) {
        const TextLine& line = lines[n];
        const auto raw = split_tabs(line.text);
        if (raw.size() != header.size()) {
            return line_error(path, line.number,
                              "expected " + std::to_string(header.size()) +
                                  " TAB-separated fields (as in the header), found " +
                                  std::to_string(raw.size()));
        }
        std::map<std::string_view, std::string> value;
        for (std::string_view name : kNeeded) {
            auto field = unquote_csv_field(raw[column[name]]);
            if (!field.ok()) return field_error(path, line.number, name, field.error().message);
            value[name] = std::move(field).value();
        }
        auto contexts = parse_python_string_list(value["CONTEXTS"]);
        if (!contexts.ok())
            return field_error(path, line.number, "CONTEXTS", contexts.error().message);
        if (value["pmid"].empty()) return field_error(path, line.number, "pmid", "empty");
        if (!is_pubmedqa_decision(value["final_decision"])) {
            return field_error(path, line.number, "final_decision",
                               "\"" + value["final_decision"] + "\", expected yes, no or maybe");
        }
        BIOMEDQ_TRY(check_label(source.label_set, value["final_decision"], path, line.number,
                                "final_decision"));
        Example example =
            make_pubmedqa_example(std::move(value["pmid"]), std::move(value["QUESTION"]), *contexts,
                                  std::move(value["final_decision"]));
        example.source = line_source(path, line.number);
        dataset.examples.push_back(std::move(example));
    }
    return non_empty(std::move(dataset), "no rows after the header");
}

}  // namespace biomedq::data
