// Tasks as configuration (lm-evaluation-harness style): a task YAML names its data files, label
// set, prompt wording, answer parser and metrics. This header is what the eval runner calls: load
// and validate task files, load a task's splits, pick few-shot examples, build prompts (chat
// messages or a plain completion prompt, plus a GBNF grammar when decoding is constrained), parse
// raw model output into a Prediction, and turn an Example into its Gold.
//
// Thread safety: every function here is a pure function of its arguments (no global state), so
// calls may run concurrently. ShotSelector is immutable after create() and may be shared between
// threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "biomedq/chat.h"  // ChatMessage, shared with the engine
#include "biomedq/data.h"
#include "biomedq/example.h"
#include "biomedq/metrics.h"
#include "biomedq/result.h"

namespace biomedq {

enum class TaskKind { kNer, kRelation, kMultilabel, kMcqa };
const char* task_kind_name(TaskKind kind);  // "ner", "relation", "multilabel", "mcqa"

struct LabelSpec {
    std::string name;                   // exactly as in the gold files, e.g. "CPR:4"
    std::vector<std::string> synonyms;  // other ways a model writes it, e.g. "inhibitor"
    std::string description;            // one line shown in the prompt
};

// One split's file(s). `limit` keeps the first N examples (file order), for sets without a shipped
// sample (MedQA's sample200 is the first 200 test questions).
struct SplitSpec {
    std::string file;            // relative to <data_dir>/<data.dir>, or absolute
    std::string secondary_file;  // pubmedqa_json ground truth, same resolution
    std::string format;          // overrides data.format for this split when non-empty
    int limit = 0;               // 0 = all
    std::string note;            // shown by `biomedq tasks` (e.g. "approximate reconstruction")
};

struct TaskData {
    std::string format;  // one of known_data_formats()
    // Folder under the data dir. A value starting with "./" or "../" is relative to the YAML file's
    // folder instead, so a user-defined task can ship next to its data.
    std::string dir;
    std::string entity_type;                  // NER span type given to gold and predicted spans
    std::map<std::string, SplitSpec> splits;  // test, sample200, dev, train, ...
};

// Prompt wording. Every text may use the placeholders {text} {question} {options} {labels}
// {label_names} {entity_type}; write {{ and }} for literal braces.
struct PromptSpec {
    std::string system;          // persona/role text, first in the system message
    std::string instruction;     // what to do
    std::string input_template;  // how one example is shown, e.g. "Sentence: {text}"
    std::string answer_format;   // how to answer (zero- and few-shot)
    std::string
        cot_instruction;  // how to answer with reasoning (cot): must ask for a final "Answer:" line
    std::string few_shot_split;  // split shots are drawn from; empty = few-shot unavailable
    std::string answer_prefix = "Answer:";  // ends a completion prompt; marks CoT's final line
    // A published protocol's own prompt files, by prompt method ("zero-shot", "few-shot:1",
    // "few-shot:5"), relative to the data dir: each is the whole prompt, shots written inline, with
    // {Input} (or {INPUT}) where input_template's rendering of the example goes. Read at run time,
    // never shipped. When set, system/instruction/answer_format/cot_instruction are unused.
    std::map<std::string, std::string> files;
    // The chosen file's text, normalized (load_published_prompt); set by the eval plan.
    std::string published_text;
};

// A named answer parser and its options (validated against the parser's known options).
struct ParserSpec {
    std::string name;  // one of known_parsers()
    std::map<std::string, std::string> options;
};

struct TaskConfig {
    std::string name;
    std::string description;
    TaskKind kind = TaskKind::kRelation;
    TaskData data;
    std::vector<LabelSpec> labels;  // empty for NER
    std::string negative_label;     // relation tasks: the "no relation" class
    PromptSpec prompt;
    ParserSpec parser;
    std::vector<std::string> metrics;  // primary first; names from known_metrics()
    int max_tokens = 32;
    int max_tokens_cot = 512;
    std::string source_path;  // the YAML file it was read from ("" when built in code)
    // The benchmark protocol the task follows: "" for biomedq's own, "chen2025" for Chen et al.
    // 2025's published prompts, parsers and metrics (tasks/protocols/chen2025/).
    std::string protocol;
    // Metric -> the name the protocol's paper gives it (e.g. "Macro F1"), shown beside biomedq's
    // name.
    std::map<std::string, std::string> published_metric_names;

    std::vector<std::string> label_names() const;
};

// Parser names a task may use: ner_mentions, ner_html_spans, single_label, multi_label, mcqa_letter
// (the rows of src/tasks/parser_table.cpp).
const std::vector<std::string>& known_parsers();

// Reads and validates one task file. Errors (kParse / kInvalidArgument / kNotFound) name the file,
// the line and the field, with a "did you mean" hint for unknown keys and names.
Result<TaskConfig> load_task_file(const std::filesystem::path& path);
// Every *.yaml / *.yml in `dir`, sorted by task name; the first invalid file is the error;
// duplicate task names are an error.
Result<std::vector<TaskConfig>> load_task_dir(const std::filesystem::path& dir);

// The protocol names --protocol accepts: "biomedq" (the default; tasks have protocol "") and
// "chen2025".
const std::vector<std::string>& known_protocols();
// The folder a protocol's task files live in: tasks_dir itself for biomedq,
// tasks_dir/protocols/<name> otherwise. kInvalidArgument (with a did-you-mean) for an unknown
// protocol.
Result<std::filesystem::path> protocol_tasks_dir(const std::filesystem::path& tasks_dir,
                                                 const std::string& protocol);

// Reads the published prompt file of `method` (a key of task.prompt.files) from the data dir and
// normalizes it as the publishers' Python code read it: CRLF -> LF (text mode), a UTF-8 byte order
// mark dropped. Errors: kUnsupported naming the methods the protocol publishes; kNotFound for a
// missing file (naming it); kParse when the file has neither {Input} nor {INPUT}.
Result<std::string> load_published_prompt(const TaskConfig& task, const std::string& method,
                                          const std::filesystem::path& data_dir);

// The tasks a command sees with --tasks-dir: the shipped tasks (default_tasks_dir()) plus those in
// `user_dir`, a user task with a shipped task's name replacing it (its name is then in
// `overridden`). An empty `user_dir`, or one that is the shipped folder, gives the shipped tasks.
// Sorted by name. A published protocol (`protocol` other than "biomedq") is its shipped tasks only
// (protocol_tasks_dir(default_tasks_dir(), protocol)): a user's folder cannot change what was
// published. Errors: those of load_task_dir, for either folder; an unknown protocol.
struct TaskCatalog {
    std::vector<TaskConfig> tasks;
    std::vector<std::string> overridden;  // shipped task names that `user_dir` replaces, sorted
};
Result<TaskCatalog> load_tasks(const std::filesystem::path& user_dir,
                               const std::string& protocol = "biomedq");

// Defaults. Tasks: $BIOMEDQ_TASKS_DIR, else <prefix>/share/biomedq/tasks beside an installed
// binary, else <repo>/tasks. Data: $BIOMEDQ_DATA_DIR, else <repo>/../shared/data.
std::filesystem::path default_tasks_dir();
std::filesystem::path default_data_dir();

// The files a split reads, resolved (for messages and existence checks). kNotFound for an
// undeclared split.
Result<DataSource> task_data_source(const TaskConfig& task, const std::string& split,
                                    const std::filesystem::path& data_dir);
// Loads a split through load_dataset, checking gold labels against the label set and applying
// `limit`.
Result<Dataset> load_task_split(const TaskConfig& task, const std::string& split,
                                const std::filesystem::path& data_dir);

// ---- prompts ----

enum class PromptMethod { kZeroShot, kFewShot, kCot };
enum class ShotSelection { kRandom, kNearest };

struct PromptOptions {
    PromptMethod method = PromptMethod::kZeroShot;
    int k = 0;  // shots for few_shot (and cot when > 0)
    ShotSelection selection = ShotSelection::kRandom;
    std::uint64_t seed = 1234;
    bool constrained = false;  // emit a GBNF grammar
    bool chat = true;          // messages for a chat template; false: use raw_prompt
};

struct BuiltPrompt {
    std::vector<ChatMessage> messages;
    std::string raw_prompt;  // plain completion prompt, ends with the answer prefix (or a CoT cue)
    std::string grammar;     // GBNF, root rule "root"; empty unless options.constrained
    int max_tokens = 0;
    std::vector<std::string> stop;  // completion mode only; chat relies on end-of-turn
};

// Deterministic few-shot selection. The same (task, seed, k) gives the same shots for every model;
// `nearest` additionally depends on the target example only (TF-IDF cosine over lower-cased word
// tokens of text + question, IDF from the pool). The target itself (same id) is never a shot, which
// is what makes drawing shots from the evaluated split (LitCovid) possible.
class ShotSelector {
public:
    static ShotSelector create(const TaskConfig& task, std::vector<Example> pool,
                               const PromptOptions& options);
    std::vector<Example> select(const Example& target) const;

private:
    struct Posting {
        std::uint32_t doc;
        float weight;
    };
    std::vector<Example> pool_;
    int k_ = 0;
    ShotSelection selection_ = ShotSelection::kRandom;
    std::vector<std::size_t> random_order_;  // pool indices, seeded shuffle
    std::map<std::string, std::vector<Posting>>
        index_;  // term -> (doc, tf-idf weight), unit-normed
    std::map<std::string, double> idf_;
};

// Builds the prompt for `example` with the given shots (already selected). Never fails: the task
// was validated at load time.
BuiltPrompt build_prompt(const TaskConfig& task, const Example& example,
                         const std::vector<Example>& shots, const PromptOptions& options);

// The gold answer written the way the prompt asks the model to answer (few-shot demonstrations):
// a label, a letter, a JSON list of labels, or a JSON list of mention strings.
std::string render_answer(const TaskConfig& task, const Example& example);

// GBNF for the answer alone (options.constrained, method != cot) and for "reasoning lines, then a
// final `Answer: ...` line" (cot). Depends on the example only for MCQA option letters.
std::string answer_grammar(const TaskConfig& task, const Example& example);
std::string cot_answer_grammar(const TaskConfig& task, const Example& example);

// Log-likelihood multiple choice (mcqa and relation tasks): the prompt ends right before the
// answer; continuation i (e.g. " B", " maybe") stands for label choice_labels[i].
struct ChoiceRequest {
    std::vector<ChatMessage> messages;  // chat mode: score continuations as the assistant's reply
    std::string raw_prompt;             // completion mode: ends with the answer prefix
    std::vector<std::string> continuations;       // after raw_prompt: " A", " yes"
    std::vector<std::string> chat_continuations;  // as the assistant's reply: "A", "yes"
    std::vector<std::string> choice_labels;
};
// kUnsupported for ner / multilabel tasks.
Result<ChoiceRequest> build_choice_request(const TaskConfig& task, const Example& example,
                                           const std::vector<Example>& shots,
                                           const PromptOptions& options);

// ---- answers ----

// Reads a raw model output. Robust to preambles, markdown, <think> blocks, case/spacing variants
// and synonyms, JSON in code fences; CoT outputs are read from their last "Answer:" line. An output
// that cannot be read is Prediction{valid=false}; this never fails otherwise.
Prediction parse_answer(const TaskConfig& task, const Example& example,
                        std::string_view raw_output);

Gold gold_of(const TaskConfig& task, const Example& example);
MetricOptions metric_options_of(const TaskConfig& task);

// ---- self check ----

struct SelfCheckResult {
    std::string task;
    std::size_t n_examples = 0;
    std::vector<MetricValue> gold_as_prediction;  // must all be 1.0
    std::vector<MetricValue> deranged;            // gold of another example (seeded derangement)
};
// Scores gold-as-prediction and a seeded derangement of the golds on `examples`.
Result<SelfCheckResult> self_check(const TaskConfig& task, const std::vector<Example>& examples,
                                   std::uint64_t seed = 1234);

}  // namespace biomedq
