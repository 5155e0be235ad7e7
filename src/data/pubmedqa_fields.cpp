#include "data/pubmedqa_fields.h"

namespace biomedq::data {

const std::vector<std::pair<std::string, std::string>>& pubmedqa_options() {
    static const std::vector<std::pair<std::string, std::string>> kOptions = {
        {"yes", "yes"}, {"no", "no"}, {"maybe", "maybe"}};
    return kOptions;
}

bool is_pubmedqa_decision(const std::string& label) {
    return label == "yes" || label == "no" || label == "maybe";
}

Example make_pubmedqa_example(std::string pmid, std::string question,
                              const std::vector<std::string>& contexts, std::string decision) {
    Example example;
    example.id = std::move(pmid);
    example.question = std::move(question);
    for (const auto& context : contexts) {
        if (!example.text.empty()) example.text += '\n';
        example.text += context;
    }
    example.passages = contexts;
    example.options = pubmedqa_options();
    example.labels = {std::move(decision)};
    return example;
}

}  // namespace biomedq::data
