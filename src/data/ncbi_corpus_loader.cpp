// NCBI-disease original corpus -> one Example per abstract (id = PMID, text = title + " " +
// abstract, spans = disease mentions). Every mention category (SpecificDisease, DiseaseClass,
// Modifier, CompositeMention) becomes one span type, DataSource::entity_type or "Disease", because
// the NCBI-disease NER task scores them as one class (the BIO test.tsv's 960 mentions are all of
// them).
//
// Two layouts exist and both are read, chosen by the first non-blank line:
//   - PubTator-like (the shipped NCBItestset_corpus.txt, after spyysalo's "Fix format
//   inconsistency"):
//     parsed by parse_pubtator, offsets checked against the text.
//   - inline, as NCBI first distributed it: PMID<TAB>title<TAB>abstract with mentions written as
//     <category="SpecificDisease">mention</category> inside title and abstract.
#include <algorithm>

#include "core/file_io.h"
#include "data/loader_errors.h"
#include "data/loaders.h"
#include "data/pubtator_documents.h"
#include "data/text_lines.h"
#include "data/tsv_fields.h"

namespace biomedq::data {
namespace {

constexpr std::string_view kOpenTag = "<category=\"";
constexpr std::string_view kCloseTag = "</category>";

// Appends `field` to example.text with its tags removed, adding a span per tagged mention.
Status append_untagged(std::string_view field, const std::string& type, Example& example,
                       const std::string& path, std::size_t line, std::string_view field_name) {
    std::size_t pos = 0;
    while (pos < field.size()) {
        const std::size_t open = field.find(kOpenTag, pos);
        if (open == std::string_view::npos) break;
        example.text += field.substr(pos, open - pos);
        const std::size_t open_end = field.find("\">", open + kOpenTag.size());
        if (open_end == std::string_view::npos) {
            return field_error(
                path, line, field_name,
                "<category=\" at character " + std::to_string(open) + " is not closed by \">");
        }
        const std::size_t close = field.find(kCloseTag, open_end + 2);
        if (close == std::string_view::npos) {
            return field_error(
                path, line, field_name,
                "<category> at character " + std::to_string(open) + " has no </category>");
        }
        const std::string_view mention = field.substr(open_end + 2, close - open_end - 2);
        if (mention.find('<') != std::string_view::npos) {
            return field_error(
                path, line, field_name,
                "nested tag inside the <category> at character " + std::to_string(open));
        }
        const std::size_t begin = example.text.size();
        example.text += mention;
        example.spans.push_back(Span{begin, example.text.size(), type});
        pos = close + kCloseTag.size();
    }
    if (pos < field.size()) example.text += field.substr(pos);
    return Status::success();
}

Result<Dataset> load_inline(const DataSource& source, const std::string& content,
                            const std::string& type) {
    Dataset dataset{"ncbi_corpus", source.path, {}, {}};
    for (const TextLine& line : split_lines(content)) {
        if (line.text.find_first_not_of(" \t") == std::string_view::npos) continue;
        BIOMEDQ_ASSIGN(const auto fields, split_columns(source.path, line.number, line.text,
                                                        {"PMID", "title", "abstract"}));
        if (fields[0].empty()) return field_error(source.path, line.number, "PMID", "empty");
        Example example;
        example.id = std::string(fields[0]);
        example.source = line_source(source.path, line.number);
        BIOMEDQ_TRY(append_untagged(fields[1], type, example, source.path, line.number, "title"));
        example.text += ' ';
        BIOMEDQ_TRY(
            append_untagged(fields[2], type, example, source.path, line.number, "abstract"));
        dataset.examples.push_back(std::move(example));
    }
    return non_empty(std::move(dataset), "no documents (the file is empty)");
}

bool looks_like_pubtator(const std::string& content) {
    for (const TextLine& line : split_lines(content)) {
        if (line.text.find_first_not_of(" \t") == std::string_view::npos) continue;
        const std::size_t bar = line.text.find('|');
        const std::size_t tab = line.text.find('\t');
        return bar != std::string_view::npos && bar < tab;
    }
    return false;
}

}  // namespace

Result<Dataset> load_ncbi_corpus(const DataSource& source) {
    BIOMEDQ_ASSIGN(const std::string content, read_file(source.path));
    const std::string type = source.entity_type.empty() ? "Disease" : source.entity_type;
    if (!looks_like_pubtator(content)) return load_inline(source, content, type);

    BIOMEDQ_ASSIGN(auto documents, parse_pubtator(source.path, content));
    Dataset dataset{"ncbi_corpus", source.path, {}, {}};
    dataset.examples.reserve(documents.size());
    for (auto& document : documents) {
        dataset.examples.push_back(pubtator_example(std::move(document), source.path, "", type));
    }
    return dataset;
}

}  // namespace biomedq::data
