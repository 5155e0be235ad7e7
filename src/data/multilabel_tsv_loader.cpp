// HoC / LitCovid documents: id<TAB>text<TAB>labels -> one Example per row (id, text, labels split
// on
// `;` in file order). The shipped files start with the header "pmid\ttext\tlabels"; a first line
// whose 2nd and 3rd fields are "text" and "labels" is taken as that header. HoC was written by a
// CSV writer (fields holding `"` are quoted), so fields are unquoted. An empty labels field means
// "no label", which a multi-label task allows (none of the shipped files has one); an empty item
// between two `;` is an error because it can only be a damaged row.
#include "core/file_io.h"
#include "data/loader_errors.h"
#include "data/loaders.h"
#include "data/text_lines.h"
#include "data/tsv_fields.h"

namespace biomedq::data {
Result<Dataset> load_multilabel_tsv(const DataSource& source) {
    BIOMEDQ_ASSIGN(const std::string content, read_file(source.path));
    const std::string& path = source.path;
    Dataset dataset{"multilabel_tsv", path, {}, {}};
    for (const TextLine& line : split_lines(content)) {
        const auto raw = split_tabs(line.text);
        if (line.number == 1 && raw.size() == 3 && raw[1] == "text" && raw[2] == "labels") continue;
        BIOMEDQ_ASSIGN(auto fields,
                       read_three_fields(path, line.number, line.text, {"id", "text", "labels"},
                                         /*may_be_empty=*/2));
        Example example;
        if (!fields[2].empty()) {
            for (std::string_view label : split_on(fields[2], ';')) {
                if (label.empty()) {
                    return field_error(path, line.number, "labels",
                                       "empty label in \"" + fields[2] + "\" (two `;` in a row?)");
                }
                BIOMEDQ_TRY(
                    check_label(source.label_set, std::string(label), path, line.number, "labels"));
                example.labels.emplace_back(label);
            }
        }
        example.id = std::move(fields[0]);
        example.text = std::move(fields[1]);
        example.source = line_source(path, line.number);
        dataset.examples.push_back(std::move(example));
    }
    return non_empty(std::move(dataset), "no rows (the file is empty)");
}

}  // namespace biomedq::data
