// BLUE-style relation rows (ChemProt, DDI2013): index<TAB>sentence<TAB>label -> one Example per row
// (id = index, text = sentence with its @CHEMICAL$/@GENE$/@DRUG$ masks, labels = {label}).
// The header row "index\tsentence\tlabel" is recognised on the first line only. ChemProt's files
// were written by a CSV writer, so a sentence holding `"` arrives CSV-quoted and is unquoted here.
#include "core/file_io.h"
#include "data/loader_errors.h"
#include "data/loaders.h"
#include "data/text_lines.h"
#include "data/tsv_fields.h"

namespace biomedq::data {

Result<Dataset> load_relation_tsv(const DataSource& source) {
    BIOMEDQ_ASSIGN(const std::string content, read_file(source.path));
    const std::string& path = source.path;
    Dataset dataset{"relation_tsv", path, {}, {}};
    static constexpr std::array<const char*, 3> kFieldNames = {"index", "sentence", "label"};
    for (const TextLine& line : split_lines(content)) {
        if (line.number == 1 && line.text == "index\tsentence\tlabel") continue;
        if (line.text.empty()) {
            return line_error(path, line.number,
                              "empty line, expected index<TAB>sentence<TAB>label");
        }
        BIOMEDQ_ASSIGN(auto fields, read_three_fields(path, line.number, line.text, kFieldNames));
        BIOMEDQ_TRY(check_label(source.label_set, fields[2], path, line.number, "label"));
        Example example;
        example.id = std::move(fields[0]);
        example.text = std::move(fields[1]);
        example.labels = {std::move(fields[2])};
        example.source = line_source(path, line.number);
        dataset.examples.push_back(std::move(example));
    }
    return non_empty(std::move(dataset), "no rows (the file is empty)");
}

}  // namespace biomedq::data
