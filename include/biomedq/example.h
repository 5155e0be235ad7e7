// The one record every dataset loader produces and every later stage (prompt builder, answer
// parser, metric) reads. Fields a task does not use stay empty.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace biomedq {

// A character span [begin, end) in Example::text (byte offsets into the UTF-8 string).
struct Span {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string type;  // entity type, e.g. "Chemical", "Disease"; may be empty for single-type NER
    bool operator==(const Span&) const = default;
    auto operator<=>(const Span&) const = default;
};

struct Example {
    std::string id;        // stable within a dataset file: pmid, row index, "sentence-<n>", ...
    std::string text;      // the passage the model reads: sentence, abstract, contexts joined
    std::string question;  // QA only
    // The passages `text` was joined from, when the source keeps them apart (PubMedQA's CONTEXTS):
    // the published protocol shows them as a list.
    std::vector<std::string> passages;
    // Multiple-choice options in display order: (key, text), e.g. ("A", "Aspirin").
    std::vector<std::pair<std::string, std::string>> options;
    // Gold label(s): the relation class, the hallmarks, the QA answer key ("B", "yes").
    std::vector<std::string> labels;
    std::vector<Span> spans;          // NER gold mentions, sorted by (begin, end)
    std::vector<std::string> tokens;  // NER from BIO files: the tokens `text` was joined from
    std::string source;               // "file:line" where the example starts, for messages
};

// What a loader returns: the examples plus warnings a standard tolerates (counted, never silent).
struct Dataset {
    std::string name;
    std::string path;
    std::vector<Example> examples;
    std::vector<std::string> warnings;
};

}  // namespace biomedq
