#include "tasks/task_validation.h"

#include <algorithm>
#include <map>

#include "tasks/did_you_mean.h"
#include "tasks/label_matcher.h"
#include "tasks/parser_table.h"
#include "tasks/prompt_template.h"

namespace biomedq::tasks {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

std::optional<ValidationIssue> check_format(const std::string& field, const std::string& format) {
    const auto& formats = known_data_formats();
    if (contains(formats, format)) return std::nullopt;
    return ValidationIssue{field, "unknown data format \"" + format + "\"" +
                                      did_you_mean(format, formats) +
                                      "; known: " + join_names(formats)};
}

// Which parser and metric families fit each kind: the kind and parser tables say.
bool parser_fits(TaskKind kind, const std::string& parser) {
    const ParserRow* row = find_parser(parser);
    return row && std::find(row->kinds.begin(), row->kinds.end(), kind) != row->kinds.end();
}

bool metric_fits(TaskKind kind, const std::string& metric) {
    const bool ner = metric.rfind("ner_", 0) == 0;
    const bool multilabel = metric.rfind("multilabel_", 0) == 0 || metric == "example_f1";
    for (const auto& row : kind_rows()) {
        if (row.kind != kind) continue;
        switch (row.metrics) {
            case MetricFamily::kNer:
                return ner;
            case MetricFamily::kMultilabel:
                return multilabel;
            case MetricFamily::kClassification:
                return !ner && !multilabel;
        }
    }
    return false;
}

std::optional<ValidationIssue> check_labels(const TaskConfig& task) {
    if (task.kind == TaskKind::kNer) {
        if (!task.labels.empty()) {
            return ValidationIssue{"labels", "NER tasks take no label list; set data.entity_type"};
        }
        if (task.data.entity_type.empty()) {
            return ValidationIssue{"data.entity_type", "required for NER tasks (e.g. Chemical)"};
        }
        return std::nullopt;
    }
    if (task.labels.size() < 2) {
        return ValidationIssue{"labels", "a " + std::string(task_kind_name(task.kind)) +
                                             " task needs at least 2 labels"};
    }
    // Every way of writing a label must point at one label only, or parsing would be ambiguous.
    std::map<std::string, std::size_t> owner;
    for (std::size_t i = 0; i < task.labels.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (task.labels[j].name == task.labels[i].name) {
                return ValidationIssue{"labels",
                                       "label \"" + task.labels[i].name + "\" listed twice"};
            }
        }
    }
    for (const auto& form : label_forms(task.labels)) {
        auto [it, inserted] = owner.emplace(form.form, form.label);
        if (!inserted && it->second != form.label) {
            return ValidationIssue{"labels", "\"" + form.form + "\" names both \"" +
                                                 task.labels[it->second].name + "\" and \"" +
                                                 task.labels[form.label].name +
                                                 "\" (after ignoring case and punctuation)"};
        }
    }
    const auto names = task.label_names();
    if (!task.negative_label.empty() && !contains(names, task.negative_label)) {
        return ValidationIssue{"negative_label", "\"" + task.negative_label +
                                                     "\" is not in labels" +
                                                     did_you_mean(task.negative_label, names) +
                                                     "; labels: " + join_names(names)};
    }
    return std::nullopt;
}

std::optional<ValidationIssue> check_prompt(const TaskConfig& task) {
    const PromptSpec& p = task.prompt;
    const std::pair<const char*, const std::string*> texts[] = {
        {"prompt.system", &p.system},
        {"prompt.instruction", &p.instruction},
        {"prompt.input_template", &p.input_template},
        {"prompt.answer_format", &p.answer_format},
        {"prompt.cot_instruction", &p.cot_instruction},
    };
    for (const auto& [field, text] : texts) {
        auto names = template_placeholders(*text);
        if (!names.ok()) return ValidationIssue{field, names.error().message};
    }
    const auto used = *template_placeholders(p.input_template);
    if (answers_option_key(task.parser) && !contains(used, "options")) {
        return ValidationIssue{
            "prompt.input_template",
            "the " + task.parser.name + " parser needs {options} in the input template"};
    }
    if (!contains(used, "text") && !contains(used, "question")) {
        return ValidationIssue{"prompt.input_template",
                               "must show the example: use {text} and/or "
                               "{question}"};
    }
    if (p.answer_prefix.empty()) {
        return ValidationIssue{"prompt.answer_prefix", "must not be empty (default \"Answer:\")"};
    }
    if (!p.cot_instruction.empty() &&
        p.cot_instruction.find(p.answer_prefix) == std::string::npos) {
        return ValidationIssue{"prompt.cot_instruction",
                               "must ask for a final line starting with \"" + p.answer_prefix +
                                   "\" (the CoT parser reads that line)"};
    }
    for (const auto& [method, file] : p.files) {
        if (method != "zero-shot" && method.rfind("few-shot:", 0) != 0) {
            return ValidationIssue{"prompt.files." + method,
                                   "expected a prompt method as key: zero-shot or few-shot:K"};
        }
        if (file.empty())
            return ValidationIssue{"prompt.files." + method, "file must not be empty"};
    }
    if (!p.files.empty() && task.protocol.empty()) {
        return ValidationIssue{"protocol",
                               "prompt.files are a published protocol's prompts: name the "
                               "protocol (e.g. protocol: chen2025)"};
    }
    // A task of biomedq's own protocol leaves the field out; only published protocols are named.
    const std::vector<std::string> published(known_protocols().begin() + 1,
                                             known_protocols().end());
    if (!task.protocol.empty() && !contains(published, task.protocol)) {
        return ValidationIssue{"protocol", "unknown protocol \"" + task.protocol + "\"" +
                                               did_you_mean(task.protocol, published) +
                                               "; known: " + join_names(published)};
    }
    for (const auto& [metric, name] : task.published_metric_names) {
        if (!contains(task.metrics, metric)) {
            return ValidationIssue{"published_metric_names." + metric,
                                   "not among the task's metrics"};
        }
    }
    if (!p.few_shot_split.empty() && !task.data.splits.count(p.few_shot_split)) {
        std::vector<std::string> splits;
        for (const auto& [name, split] : task.data.splits) splits.push_back(name);
        return ValidationIssue{"prompt.few_shot_split", "split \"" + p.few_shot_split +
                                                            "\" is not declared in data.splits" +
                                                            did_you_mean(p.few_shot_split, splits) +
                                                            "; declared: " + join_names(splits)};
    }
    return std::nullopt;
}

}  // namespace

std::optional<ValidationIssue> validate_task(const TaskConfig& task) {
    if (auto issue = check_format("data.format", task.data.format)) return issue;
    if (!task.data.splits.count("test")) {
        return ValidationIssue{"data.splits", "a \"test\" split is required"};
    }
    for (const auto& [name, split] : task.data.splits) {
        if (split.file.empty()) {
            return ValidationIssue{"data.splits." + name, "file must not be empty"};
        }
        if (!split.format.empty()) {
            if (auto issue = check_format("data.splits." + name + ".format", split.format)) {
                return issue;
            }
        }
    }
    if (!parser_fits(task.kind, task.parser.name)) {
        return ValidationIssue{"parser", "parser \"" + task.parser.name + "\" does not fit kind " +
                                             task_kind_name(task.kind)};
    }
    if (auto issue = check_labels(task)) return issue;
    if (auto issue = check_prompt(task)) return issue;
    if (task.metrics.empty()) {
        return ValidationIssue{"metrics", "list at least one metric (the primary one first)"};
    }
    const auto& metrics = known_metrics();
    for (const auto& metric : task.metrics) {
        if (!contains(metrics, metric)) {
            return ValidationIssue{"metrics", "unknown metric \"" + metric + "\"" +
                                                  did_you_mean(metric, metrics) +
                                                  "; known: " + join_names(metrics)};
        }
        if (!metric_fits(task.kind, metric)) {
            return ValidationIssue{"metrics", "metric \"" + metric + "\" does not fit kind " +
                                                  task_kind_name(task.kind)};
        }
        if (metric == "micro_f1_positive" && task.negative_label.empty()) {
            return ValidationIssue{"negative_label",
                                   "required by metric micro_f1_positive (the class it excludes)"};
        }
    }
    return std::nullopt;
}

}  // namespace biomedq::tasks
