// Prompt assembly. The wording comes from the task file; this file only decides the layout:
//   chat:       system = system text + instruction + answer format (or CoT instruction);
//               each shot = a user turn (the input) and an assistant turn (its gold answer);
//               then the user turn with the example.
//   completion: the same texts as one string, shots as "<input>\n<prefix> <answer>" blocks, ending
//               with "<input>\n<prefix>" (or "<input>\n" for CoT, which must reason first).
// CoT demonstrations show only the final "Answer:" line: the data sets carry no gold rationales.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "biomedq/task.h"
#include "core/text.h"
#include "tasks/parser_table.h"
#include "tasks/prompt_template.h"
#include "tasks/python_repr.h"

namespace biomedq {

using tasks::fill_template;

namespace {

constexpr const char* kDefaultCot =
    "Think step by step, then give your final answer on a last line starting with \"Answer:\".";

std::map<std::string, std::string> template_values(const TaskConfig& task, const Example& example) {
    std::string options;
    for (const auto& [key, text] : example.options) {
        options += (options.empty() ? "" : "\n") + key + ". " + text;
    }
    std::string labels;
    for (const auto& label : task.labels) {
        labels += (labels.empty() ? "- " : "\n- ") + label.name;
        if (!label.description.empty()) labels += ": " + label.description;
    }
    const std::string label_names = text::join(task.label_names(), ", ");
    return {{"text", example.text},
            {"question", example.question},
            {"options", options},
            {"labels", labels},
            {"label_names", label_names},
            {"entity_type", task.data.entity_type},
            {"passages_python_list", tasks::python_repr_list(example.passages)}};
}

std::string join_blocks(const std::vector<std::string>& blocks) {
    std::string out;
    for (const auto& block : blocks) {
        if (block.empty()) continue;
        out += (out.empty() ? "" : "\n\n") + block;
    }
    return out;
}

std::string header(const TaskConfig& task, const Example& example, bool cot) {
    const auto values = template_values(task, example);
    const PromptSpec& p = task.prompt;
    std::string how;
    if (cot) {
        how = p.cot_instruction.empty()
                  ? fill_template(p.answer_format, values) + "\n" + kDefaultCot
                  : fill_template(p.cot_instruction, values);
    } else {
        how = fill_template(p.answer_format, values);
    }
    return join_blocks(
        {fill_template(p.system, values), fill_template(p.instruction, values), how});
}

std::string input_of(const TaskConfig& task, const Example& example) {
    return fill_template(task.prompt.input_template, template_values(task, example));
}

std::string shot_answer(const TaskConfig& task, const Example& shot, bool cot) {
    const std::string answer = render_answer(task, shot);
    return cot ? task.prompt.answer_prefix + " " + answer : answer;
}

struct Layout {
    std::vector<ChatMessage> messages;
    std::string raw_prompt;
};

Layout lay_out(const TaskConfig& task, const Example& example, const std::vector<Example>& shots,
               bool cot) {
    Layout layout;
    const std::string head = header(task, example, cot);
    if (!head.empty()) layout.messages.push_back({"system", head});
    std::string raw = head.empty() ? "" : head + "\n\n";
    for (const auto& shot : shots) {
        const std::string input = input_of(task, shot);
        const std::string answer = shot_answer(task, shot, cot);
        layout.messages.push_back({"user", input});
        layout.messages.push_back({"assistant", answer});
        raw += input + "\n" + (cot ? answer : task.prompt.answer_prefix + " " + answer) + "\n\n";
    }
    const std::string input = input_of(task, example);
    layout.messages.push_back({"user", input});
    raw += input + "\n" + (cot ? "" : task.prompt.answer_prefix);
    layout.raw_prompt = std::move(raw);
    return layout;
}

std::string json_list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (const auto& item : items) {
        out += (out.size() > 1 ? ", " : "") + nlohmann::json(item).dump();
    }
    return out + "]";
}

// A published prompt: the file as its authors wrote it (shots inline), the example where {Input} or
// {INPUT} stands, sent as one user message (chat) or as the whole completion prompt. Replaced
// literally, as the publishers' code did (str.replace: the prompts hold JSON braces).
BuiltPrompt published_prompt(const TaskConfig& task, const Example& example,
                             const PromptOptions& options) {
    std::string text = task.prompt.published_text;
    const std::string input = input_of(task, example);
    // Each file uses one spelling (load_published_prompt checked there is one); the input itself
    // may hold either, and is never searched again.
    const std::string marker = text.find("{Input}") != std::string::npos ? "{Input}" : "{INPUT}";
    for (std::size_t at = text.find(marker); at != std::string::npos;
         at = text.find(marker, at + input.size())) {
        text.replace(at, marker.size(), input);
    }
    BuiltPrompt prompt;
    prompt.messages = {{"user", text}};
    prompt.raw_prompt = std::move(text);
    prompt.max_tokens = task.max_tokens;
    if (!options.chat) prompt.stop = {"\n\n"};
    return prompt;
}

}  // namespace

std::string render_answer(const TaskConfig& task, const Example& example) {
    switch (task.kind) {
        case TaskKind::kNer: {
            std::vector<std::string> mentions;
            for (const auto& span : example.spans) {
                if (span.end > example.text.size() || span.begin >= span.end) continue;
                std::string mention = example.text.substr(span.begin, span.end - span.begin);
                if (std::find(mentions.begin(), mentions.end(), mention) == mentions.end()) {
                    mentions.push_back(std::move(mention));
                }
            }
            return json_list(mentions);
        }
        case TaskKind::kMultilabel: {
            std::vector<std::string> labels;
            for (const auto& name :
                 task.label_names()) {  // label-set order, stable across examples
                if (std::find(example.labels.begin(), example.labels.end(), name) !=
                    example.labels.end()) {
                    labels.push_back(name);
                }
            }
            return json_list(labels);
        }
        case TaskKind::kRelation:
        case TaskKind::kMcqa:
            return example.labels.empty() ? std::string() : example.labels.front();
    }
    return std::string();
}

BuiltPrompt build_prompt(const TaskConfig& task, const Example& example,
                         const std::vector<Example>& shots, const PromptOptions& options) {
    if (!task.prompt.published_text.empty()) return published_prompt(task, example, options);
    const bool cot = options.method == PromptMethod::kCot;
    const bool use_shots = options.method != PromptMethod::kZeroShot;
    Layout layout = lay_out(task, example, use_shots ? shots : std::vector<Example>{}, cot);
    BuiltPrompt prompt;
    prompt.messages = std::move(layout.messages);
    prompt.raw_prompt = std::move(layout.raw_prompt);
    prompt.max_tokens = cot ? task.max_tokens_cot : task.max_tokens;
    if (options.constrained) {
        prompt.grammar = cot ? cot_answer_grammar(task, example) : answer_grammar(task, example);
    }
    // A completion model would go on to invent the next example; a blank line ends an answer.
    if (!options.chat && !cot) prompt.stop = {"\n\n"};
    return prompt;
}

Result<ChoiceRequest> build_choice_request(const TaskConfig& task, const Example& example,
                                           const std::vector<Example>& shots,
                                           const PromptOptions& options) {
    if (task.kind == TaskKind::kNer || task.kind == TaskKind::kMultilabel) {
        return make_error(ErrorCode::kUnsupported,
                          task.name +
                              ": log-likelihood scoring needs a single-answer task (mcqa or "
                              "relation), not " +
                              task_kind_name(task.kind));
    }
    if (options.method == PromptMethod::kCot) {
        return make_error(ErrorCode::kUnsupported,
                          task.name + ": log-likelihood scoring cannot use chain of thought");
    }
    const bool use_shots = options.method == PromptMethod::kFewShot;
    Layout layout = lay_out(task, example, use_shots ? shots : std::vector<Example>{}, false);
    ChoiceRequest request;
    request.messages = std::move(layout.messages);
    request.raw_prompt = std::move(layout.raw_prompt);
    if (tasks::answers_option_key(task.parser) && !example.options.empty()) {
        for (const auto& [key, text] : example.options) request.choice_labels.push_back(key);
    } else {
        request.choice_labels = task.label_names();
    }
    for (const auto& label : request.choice_labels) {
        request.continuations.push_back(" " + label);
        request.chat_continuations.push_back(label);
    }
    return request;
}

}  // namespace biomedq
