// PubTator documents, shared by the BC5CDR (pubtator) and NCBI-disease original (ncbi_corpus)
// loaders:
//   PMID|t|title
//   PMID|a|abstract
//   PMID<TAB>start<TAB>end<TAB>mention<TAB>type[<TAB>concept id[<TAB>...]]   (mentions)
//   PMID<TAB>CID<TAB>chemical id<TAB>disease id                              (BC5CDR relations)
// with a blank line between documents. Offsets index title + " " + abstract (checked against both
// shipped files: every mention's text equals that substring).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "biomedq/example.h"
#include "biomedq/result.h"

namespace biomedq::data {

struct PubtatorMention {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string type;  // as written: "Chemical", "Disease", "SpecificDisease", ...
    std::size_t line = 0;
};

struct PubtatorDocument {
    std::string pmid;
    std::string text;                       // title + " " + abstract
    std::size_t line = 0;                   // of the title
    std::vector<PubtatorMention> mentions;  // in file order
    std::size_t n_relations = 0;            // CID lines: read and counted, not used by NER
};

// Errors name the file, line and field: a mention before its document's title and abstract, a PMID
// that differs from the document's, a non-numeric offset, offsets outside the text, or a mention
// text different from the text at its offsets. An empty file is an error.
Result<std::vector<PubtatorDocument>> parse_pubtator(const std::string& path,
                                                     const std::string& content);

// The NER example of a document: id = PMID, source = "<path>:<title line>", spans sorted. Only
// mentions of `only_type` are kept when it is not empty; every span is labelled `as_type` when that
// is not empty, else with its mention's type.
Example pubtator_example(PubtatorDocument&& document, const std::string& path,
                         const std::string& only_type, const std::string& as_type);

}  // namespace biomedq::data
