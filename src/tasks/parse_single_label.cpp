// One label out of a closed set (relation classes, yes/no/maybe). Order of evidence: the label
// after the last answer cue; a label the output starts with; the only label mentioned; a truncated
// label
// ("DDI-mech"). Several different labels with none of those cues is ambiguous, hence invalid.
#include <set>

#include "tasks/answer_text.h"
#include "tasks/label_matcher.h"
#include "tasks/parser_options.h"
#include "tasks/parser_table.h"

namespace biomedq::tasks {

namespace {

Prediction predict(const TaskConfig& task, std::size_t label) {
    Prediction p;
    p.valid = true;
    p.labels = {task.labels[label].name};
    return p;
}

// The one label that `normalized` is a strict prefix of (a cut-off answer), or -1.
int truncated_label(const std::string& normalized, const std::vector<LabelForm>& forms) {
    if (normalized.size() < 3) return -1;
    std::set<std::size_t> candidates;
    for (const auto& form : forms) {
        if (form.form.size() > normalized.size() &&
            form.form.compare(0, normalized.size(), normalized) == 0) {
            candidates.insert(form.label);
        }
    }
    return candidates.size() == 1 ? static_cast<int>(*candidates.begin()) : -1;
}

}  // namespace

Prediction parse_single_label(const TaskConfig& task, const Example& /*example*/,
                              std::string_view raw) {
    const auto forms = label_forms(task.labels);
    const std::string text = strip_markdown(raw);

    if (auto cue = after_last_answer_cue(text, task.prompt.answer_prefix)) {
        const std::string line = normalize_for_match(cue_line(text, *cue));
        const auto hits = find_labels(line, forms);
        if (!hits.empty()) return predict(task, hits.front().label);
        if (int label = truncated_label(line, forms); label >= 0)
            return predict(task, static_cast<std::size_t>(label));
    }

    const std::string normalized = normalize_for_match(text);
    const auto hits = find_labels(normalized, forms);
    if (!hits.empty() && hits.front().begin == 0) return predict(task, hits.front().label);
    std::set<std::size_t> distinct;
    for (const auto& hit : hits) distinct.insert(hit.label);
    if (distinct.size() == 1) return predict(task, hits.front().label);
    if (distinct.size() > 1) {
        if (parser_option(task.parser, "first_label_fallback"))
            return predict(task, hits.front().label);
        return Prediction{};
    }
    if (int label = truncated_label(normalized, forms); label >= 0) {
        return predict(task, static_cast<std::size_t>(label));
    }
    return Prediction{};
}

}  // namespace biomedq::tasks
