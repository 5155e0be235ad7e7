// Dataset loaders: one per original file format, each returning typed Examples. A loader never
// skips input silently: malformed input is an Error naming file, line and field; input a format's
// standard tolerates becomes a counted entry in Dataset::warnings.
#pragma once

#include <string>
#include <vector>

#include "biomedq/example.h"
#include "biomedq/result.h"

namespace biomedq {

// The formats a task config may name in `data.format`, and how each maps to Example. All read
// UTF-8, accept LF or CRLF line ends and a leading BOM; Span offsets are bytes into Example::text.
//   bio_tsv        token<TAB>tag, blank line (or a line holding one tab, as in the sample200 files)
//                  between sentences; tags O, B, I, B-Type, I-Type. One Example per sentence: id =
//                  sentence index ("0", "1", ...), tokens, text = tokens joined by single spaces,
//                  spans per B(I...) run, typed by the tag's suffix else DataSource::entity_type.
//                  An I that continues nothing (or continues another type) is an error, not a
//                  warning. A token written CSV-quoted (`""""`, sample200 files) is unquoted.
//   pubtator       PubTator documents (PMID|t|title, PMID|a|abstract, TAB-separated mentions, CID
//   lines
//                  ignored), BC5CDR style. One Example per document: id = PMID, text = title + " "
//                  + abstract, spans = mentions typed as written; with entity_type set only that
//                  type. Every mention's text is checked against the text at its offsets.
//   ncbi_corpus    NCBI-disease original corpus; the shipped file is PubTator-like (as above), the
//                  inline layout PMID<TAB>title<TAB>abstract with <category="...">m</category> tags
//                  is read too. Spans of every category get type entity_type, default "Disease".
//   relation_tsv   index<TAB>sentence<TAB>label (ChemProt/DDI BLUE style, @CHEMICAL$ masks); an
//                  optional header row "index\tsentence\tlabel" is accepted. id = index, text =
//                  sentence, labels = {label}. CSV-quoted fields are unquoted.
//   chemprot_gs    original BioCreative VI ChemProt gold-standard folder (*_abstracts_gs.tsv,
//                  *_entities_gs.tsv, *_gold_standard.tsv). One Example per abstract: id = PMID,
//                  text = title + " " + abstract, spans = entities (CHEMICAL, GENE-Y, GENE-N),
//                  labels = gold relations "CPR:<n>|<arg1 id>|<arg2 id>" (e.g. "CPR:4|T18|T49");
//                  label_set restricts the CPR class.
//   multilabel_tsv id<TAB>text<TAB>labels, labels separated by `;` (HoC, LitCovid); optional header
//                  row "<id>\ttext\tlabels". labels in file order; an empty labels field is no
//                  label.
//   medqa_jsonl    MedQA JSONL: question, options{A..}, answer_idx. id = question index, question,
//                  options sorted by key, labels = {answer_idx}.
//   medqa_options_tsv  the 5-option MedQA TSV of Chen et al. 2025 (header row, quoted fields that
//   may
//                  span lines, options as a Python list of {'key','value'} dicts). id = row index
//                  column, question, options in written order, labels = {answer_idx}.
//   pubmedqa_json  ori_pqal.json (+ test_ground_truth.json as secondary_path to select, order and
//                  label the test ids). id = PMID, question, text = CONTEXTS joined by "\n",
//                  options yes/no/maybe, labels = {decision}.
//   pubmedqa_tsv   PubMedQA TSV as shipped in shared/data (header row, CONTEXTS as a Python list);
//                  same Example as pubmedqa_json for the same PMID.
// Example::source is "<path>:<line>" of the line where the example starts.
struct DataSource {
    std::string format;
    std::string path;            // file or folder
    std::string secondary_path;  // pubmedqa_json: the ground-truth ids file (optional)
    // When non-empty, a gold label outside it is an error naming file, line and the allowed labels.
    // Checked against Example::labels (for chemprot_gs, the CPR class); NER formats ignore it.
    std::vector<std::string> label_set;
    // NER: bio_tsv/ncbi_corpus type given to spans when tags carry none; pubtator keeps only
    // mentions of this type.
    std::string entity_type;
};

// Dispatches on source.format; an unknown format is kInvalidArgument listing the known ones, with a
// "did you mean" for a near miss. Errors: kNotFound for a missing file or folder, kIo when it
// cannot be read, kParse (naming file, line and field) for malformed content, including an empty
// file. Thread-safe: loaders share no state.
Result<Dataset> load_dataset(const DataSource& source);

// The format names load_dataset accepts, for validation and "did you mean" hints.
const std::vector<std::string>& known_data_formats();

}  // namespace biomedq
