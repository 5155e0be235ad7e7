// Finds label mentions in model output regardless of case, punctuation and spacing: "CPR:4",
// "cpr 4", "CPR-4" and "CPR4" all name the label CPR:4. Matching happens on a normalized copy of
// the text (lower case, every run of non-alphanumerics one space) at word boundaries, so "int"
// never matches inside "interaction".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "biomedq/task.h"

namespace biomedq::tasks {

// Lower-cases ASCII, turns each run of characters that are not letters/digits into one space,
// trims. Bytes >= 0x80 count as letters so UTF-8 words stay whole.
std::string normalize_for_match(std::string_view text);

struct LabelForm {
    std::string form;   // normalized, e.g. "cpr 4" or its compact variant "cpr4"
    std::size_t label;  // index into the label list
};

// Name and synonyms of every label, normalized, plus the variant without spaces; deduplicated.
std::vector<LabelForm> label_forms(const std::vector<LabelSpec>& labels);

struct LabelHit {
    std::size_t label;
    std::size_t begin;  // offsets in the normalized text
    std::size_t end;
};

// Non-overlapping label mentions in `normalized` (output of normalize_for_match), in text order;
// where mentions overlap, the longer one wins ("case report" over "report").
std::vector<LabelHit> find_labels(std::string_view normalized, const std::vector<LabelForm>& forms);

// The label whose normalized form or synonym equals the whole of `text`, or -1.
int exact_label(std::string_view text, const std::vector<LabelForm>& forms);

}  // namespace biomedq::tasks
