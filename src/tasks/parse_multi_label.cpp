// A set of labels (HoC hallmarks, LitCovid topics). Accepted shapes: a JSON list of labels, a JSON
// object label -> 0/1 (the published prompts' format), {"labels": [...]}, or labels written in text
// (comma/line separated, bullets). "None" is a valid empty answer when none_means_empty.
#include <set>

#include "tasks/answer_text.h"
#include "tasks/label_matcher.h"
#include "tasks/parser_options.h"
#include "tasks/parser_table.h"

namespace biomedq::tasks {

namespace {

using nlohmann::json;

bool truthy(const json& value) {
    if (value.is_boolean()) return value.get<bool>();
    if (value.is_number()) return value.get<double>() > 0.5;
    if (value.is_string()) {
        const std::string s = normalize_for_match(value.get<std::string>());
        return s == "1" || s == "yes" || s == "true" || s == "relevant";
    }
    return false;
}

// Labels named by one JSON item (a string naming exactly one label).
void add_item(const std::string& item, const std::vector<LabelForm>& forms,
              std::set<std::size_t>& out) {
    if (int label = exact_label(item, forms); label >= 0) {
        out.insert(static_cast<std::size_t>(label));
        return;
    }
    const auto hits = find_labels(normalize_for_match(item), forms);
    if (hits.size() == 1) out.insert(hits.front().label);
}

// Reads a JSON answer; false when the JSON is not answer-shaped.
bool read_json(const json& value, const std::vector<LabelForm>& forms, std::set<std::size_t>& out) {
    if (value.is_array()) {
        for (const auto& item : value) {
            if (!item.is_string()) return false;
        }
        for (const auto& item : value) add_item(item.get<std::string>(), forms, out);
        return true;
    }
    if (!value.is_object()) return false;
    for (const auto& [key, item] : value.items()) {
        if (item.is_array()) return read_json(item, forms, out);  // {"labels": [...]}
    }
    bool any_label_key = false;
    for (const auto& [key, item] : value.items()) {
        const int label = exact_label(key, forms);
        if (label < 0) continue;
        any_label_key = true;
        if (truthy(item)) out.insert(static_cast<std::size_t>(label));
    }
    return any_label_key;
}

bool says_none(const std::string& normalized) {
    static const char* const kNone[] = {"none",      "no labels", "no label",
                                        "no topics", "no topic",  "no hallmarks",
                                        "n a",       "nothing",   "not applicable"};
    for (const char* marker : kNone) {
        const std::string m(marker);
        if (normalized == m || normalized.rfind(m + " ", 0) == 0) return true;
    }
    return false;
}

Prediction predict(const TaskConfig& task, const std::set<std::size_t>& labels) {
    Prediction p;
    p.valid = true;
    for (std::size_t label : labels) p.labels.push_back(task.labels[label].name);
    return p;
}

}  // namespace

Prediction parse_multi_label(const TaskConfig& task, const Example& /*example*/,
                             std::string_view raw) {
    const auto forms = label_forms(task.labels);
    const std::string text(raw);
    const auto cue = after_last_answer_cue(text, task.prompt.answer_prefix);
    const std::string tail = cue ? text.substr(*cue) : text;

    auto answer_shaped = [&](const json& value) {
        std::set<std::size_t> scratch;
        return read_json(value, forms, scratch);
    };
    for (const std::string* region : {&tail, &text}) {
        if (auto value = extract_json(*region, answer_shaped)) {
            std::set<std::size_t> labels;
            read_json(*value, forms, labels);
            return predict(task, labels);
        }
    }

    const std::string clean = strip_markdown(tail);
    const std::string normalized = normalize_for_match(clean);
    std::set<std::size_t> labels;
    for (const auto& hit : find_labels(normalized, forms)) labels.insert(hit.label);
    if (!labels.empty()) return predict(task, labels);
    if (parser_option(task.parser, "none_means_empty") &&
        (says_none(normalized) || trim(clean) == "[]")) {
        return predict(task, {});
    }
    return Prediction{};
}

}  // namespace biomedq::tasks
