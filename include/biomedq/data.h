// Dataset loaders: one per original file format, each returning typed Examples. A loader never skips
// input silently: malformed input is an Error naming file, line and field; input a format's standard
// tolerates becomes a counted entry in Dataset::warnings.
#pragma once

#include <string>
#include <vector>

#include "biomedq/example.h"
#include "biomedq/result.h"

namespace biomedq {

// The formats a task config may name in `data.format`.
//   bio_tsv        token<TAB>tag, blank line (or a line holding one tab) between sentences; tags B/I/O
//                  (optionally B-Type/I-Type). Example::text = tokens joined by single spaces.
//   pubtator       PubTator documents (title|abstract lines + TAB-separated mentions), BC5CDR style.
//   ncbi_corpus    NCBI-disease original corpus (PMID<TAB>title<TAB>abstract with inline <category> tags).
//   relation_tsv   index<TAB>sentence<TAB>label (ChemProt/DDI BLUE style, @CHEMICAL$ masks); an
//                  optional header row "index\tsentence\tlabel" is accepted.
//   chemprot_gs    original BioCreative VI ChemProt test gold standard folder.
//   multilabel_tsv id<TAB>text<TAB>labels, labels separated by `;` (HoC, LitCovid).
//   medqa_jsonl    MedQA JSONL: question, options{A..}, answer_idx.
//   pubmedqa_json  ori_pqal.json (+ test_ground_truth.json to select and label the test ids).
//   pubmedqa_tsv   PubMedQA TSV as shipped in shared/data.
struct DataSource {
    std::string format;
    std::string path;               // file or folder
    std::string secondary_path;     // pubmedqa_json: the ground-truth ids file (optional)
    std::vector<std::string> label_set;  // when non-empty, a gold label outside it is an error
    std::string entity_type;        // NER: type given to spans when tags carry none
};

// Dispatches on source.format; an unknown format is kInvalidArgument listing the known ones.
Result<Dataset> load_dataset(const DataSource& source);

// The format names load_dataset accepts, for validation and "did you mean" hints.
const std::vector<std::string>& known_data_formats();

}  // namespace biomedq
