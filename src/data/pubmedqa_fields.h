// What the PubMedQA JSON and TSV loaders share: the answer options and how one record becomes an
// Example, so both files of the same question give identical Examples.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "biomedq/example.h"

namespace biomedq::data {

// ("yes", "yes"), ("no", "no"), ("maybe", "maybe"): PubMedQA's answer key is the word itself.
const std::vector<std::pair<std::string, std::string>>& pubmedqa_options();

bool is_pubmedqa_decision(const std::string& label);

// id = pmid, question, text = contexts joined by "\n" (one abstract section per line), passages =
// contexts, options,
// labels = {decision}.
Example make_pubmedqa_example(std::string pmid, std::string question,
                              const std::vector<std::string>& contexts, std::string decision);

}  // namespace biomedq::data
