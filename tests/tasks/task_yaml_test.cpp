#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>

#include "task_test_helpers.h"

namespace biomedq {
namespace {

using test::write_temp_file;

// A valid task; each error test breaks one line of it.
const std::string kValid = R"(name: tiny
kind: relation
data:
  format: relation_tsv
  splits:
    test: test.tsv
    dev: dev.tsv
labels:
  - name: POS
    synonyms: [positive]
  - NEG
negative_label: NEG
prompt:
  instruction: Classify. {labels}
  input_template: "Text: {text}"
  answer_format: One label.
  few_shot_split: dev
parser: single_label
metrics: [micro_f1_positive, accuracy]
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    return text.replace(pos, from.size(), to);
}

std::string load_error(const std::string& yaml) {
    const auto path = write_temp_file("task.yaml", yaml);
    auto task = load_task_file(path);
    EXPECT_FALSE(task.ok());
    if (task.ok()) return "";
    // Messages start with the file path; drop it so expectations stay short.
    const std::string message = task.error().message;
    EXPECT_EQ(message.rfind(path.string() + ": ", 0), 0u) << message;
    return message.substr(path.string().size() + 2);
}

TEST(TaskYaml, ShippedTasksAllLoad) {
    auto tasks = load_task_dir(test::tasks_dir());
    ASSERT_TRUE(tasks.ok()) << tasks.error().message;
    std::vector<std::string> names;
    for (const auto& task : *tasks) names.push_back(task.name);
    EXPECT_EQ(names, (std::vector<std::string>{"bc5cdr-chem", "chemprot", "ddi", "hoc", "litcovid",
                                               "medqa", "medqa5", "ncbi-disease", "pubmedqa"}));
}

TEST(TaskYaml, Chen2025ProtocolTasksAllLoad) {
    auto tasks = load_task_dir(test::tasks_dir() / "protocols" / "chen2025");
    ASSERT_TRUE(tasks.ok()) << tasks.error().message;
    std::vector<std::string> names;
    for (const auto& task : *tasks) {
        names.push_back(task.name);
        EXPECT_EQ(task.protocol, "chen2025") << task.name;
        EXPECT_EQ(task.prompt.files.size(), 3u) << task.name;
        EXPECT_EQ(task.published_metric_names.count(task.metrics.front()), 1u) << task.name;
    }
    EXPECT_EQ(names, (std::vector<std::string>{"bc5cdr-chem", "chemprot", "ddi", "hoc", "litcovid",
                                               "medqa", "ncbi-disease", "pubmedqa"}));
}

TEST(TaskYaml, ShippedTaskFieldsAreRead) {
    const TaskConfig& chemprot = test::shipped_task("chemprot");
    EXPECT_EQ(chemprot.kind, TaskKind::kRelation);
    EXPECT_EQ(chemprot.label_names(),
              (std::vector<std::string>{"CPR:3", "CPR:4", "CPR:5", "CPR:6", "CPR:9", "false"}));
    EXPECT_EQ(chemprot.negative_label, "false");
    EXPECT_EQ(chemprot.metrics.front(), "micro_f1_positive");
    EXPECT_EQ(chemprot.prompt.few_shot_split, "dev");
    EXPECT_EQ(chemprot.data.splits.at("test").file, "test.reconstructed.tsv");
    EXPECT_FALSE(chemprot.data.splits.at("test").note.empty());
    EXPECT_EQ(chemprot.max_tokens, 8);
    const TaskConfig& medqa = test::shipped_task("medqa");
    EXPECT_EQ(medqa.data.splits.at("sample200").limit, 200);
    EXPECT_EQ(medqa.parser.name, "mcqa_letter");
    EXPECT_EQ(test::shipped_task("litcovid").prompt.few_shot_split, "test");
}

TEST(TaskYaml, ValidFileLoads) {
    auto task = load_task_file(write_temp_file("task.yaml", kValid));
    ASSERT_TRUE(task.ok()) << task.error().message;
    EXPECT_EQ(task->labels[0].synonyms, std::vector<std::string>{"positive"});
    EXPECT_EQ(task->labels[1].name, "NEG");
    EXPECT_EQ(task->max_tokens, 32);  // default
}

TEST(TaskYaml, UnknownNestedKeyHasLineAndHint) {
    const std::string message =
        load_error(replace(kValid, "  few_shot_split: dev", "  fewshot_split: dev"));
    EXPECT_EQ(
        message.substr(0, 83),
        "line 17: field \"prompt.fewshot_split\": unknown key (did you mean \"few_shot_split\"?)");
}

TEST(TaskYaml, UnknownMetricHasHint) {
    EXPECT_THAT(load_error(replace(kValid, "accuracy]", "acuracy]")),
                testing::StartsWith("line 19: field \"metrics\": unknown metric \"acuracy\" (did "
                                    "you mean \"accuracy\"?); known: "));
}

TEST(TaskYaml, UnknownParserHasHint) {
    const std::string message =
        load_error(replace(kValid, "parser: single_label", "parser: single_labels"));
    EXPECT_EQ(message,
              "line 18: field \"parser\": unknown parser \"single_labels\" (did you mean "
              "\"single_label\"?); known: ner_mentions, ner_html_spans, single_label, multi_label, "
              "mcqa_letter");
}

TEST(TaskYaml, UnknownFormatHasHint) {
    const std::string message =
        load_error(replace(kValid, "format: relation_tsv", "format: relation-tsv"));
    EXPECT_THAT(message,
                testing::StartsWith("line 4: field \"data.format\": unknown data format "
                                    "\"relation-tsv\" (did you mean \"relation_tsv\"?); known: "));
}

// A valid file with one edit, and the exact message its loading gives.
struct YamlErrorCase {
    const char* name;
    const char* from;  // replaced in kValid by `to`
    const char* to;
    const char* message;
};

void PrintTo(const YamlErrorCase& c, std::ostream* out) { *out << c.name; }

const YamlErrorCase kYamlErrors[] = {
    {"UnknownTopLevelKeyHasLineAndHint", "parser: single_label", "parsr: single_label",
     "line 18: field \"parsr\": unknown key (did you mean \"parser\"?); allowed: name, "
     "description, kind, data, labels, negative_label, prompt, parser, metrics, max_tokens, "
     "max_tokens_cot, protocol, published_metric_names"},
    {"UnknownKindHasHint", "kind: relation", "kind: relations",
     "line 2: field \"kind\": unknown kind \"relations\" (did you mean \"relation\"?); expected "
     "one of: ner, relation, multilabel, mcqa"},
    {"UnknownPlaceholderHasHint", "\"Text: {text}\"", "\"Text: {txt}\"",
     "line 15: field \"prompt.input_template\": unknown placeholder {txt} (did you mean "
     "\"text\"?); known: text, question, options, labels, label_names, entity_type, "
     "passages_python_list"},
    {"MissingRequiredField", "  answer_format: One label.\n", "",
     "line 14: field \"prompt.answer_format\": missing (required)"},
    {"NegativeLabelMustBeALabel", "negative_label: NEG", "negative_label: NGE",
     "line 12: field \"negative_label\": \"NGE\" is not in labels (did you mean \"NEG\"?); labels: "
     "POS, NEG"},
    {"FewShotSplitMustBeDeclared", "few_shot_split: dev", "few_shot_split: train",
     "line 17: field \"prompt.few_shot_split\": split \"train\" is not declared in data.splits; "
     "declared: dev, test"},
    {"SynonymClaimedByTwoLabelsIsAnError", "  - NEG", "  - name: NEG\n    synonyms: [Positive]",
     "line 9: field \"labels\": \"positive\" names both \"POS\" and \"NEG\" (after ignoring case "
     "and punctuation)"},
    {"MetricMustFitKind", "accuracy]", "ner_strict_f1]",
     "line 19: field \"metrics\": metric \"ner_strict_f1\" does not fit kind relation"},
    {"ParserOptionsAreChecked", "parser: single_label",
     "parser:\n  name: single_label\n  options: {first_label_fallbak: true}",
     "line 20: field \"parser.options.first_label_fallbak\": unknown option for parser "
     "single_label (did you mean \"first_label_fallback\"?); allowed: first_label_fallback"},
};

class TaskYamlError : public ::testing::TestWithParam<YamlErrorCase> {};

TEST_P(TaskYamlError, NamesLineFieldAndFix) {
    const YamlErrorCase& c = GetParam();
    EXPECT_EQ(load_error(replace(kValid, c.from, c.to)), c.message);
}

INSTANTIATE_TEST_SUITE_P(TaskYaml, TaskYamlError, ::testing::ValuesIn(kYamlErrors),
                         [](const ::testing::TestParamInfo<YamlErrorCase>& row) {
                             return std::string(row.param.name);
                         });

TEST(TaskYaml, YamlSyntaxErrorHasLine) {
    const std::string message =
        load_error(replace(kValid, "  format: relation_tsv", "  format: [relation_tsv"));
    EXPECT_EQ(message.substr(0, 26), "line 5: YAML syntax error:") << message;
}

TEST(TaskYaml, MissingFileIsNotFound) {
    auto task = load_task_file("/nonexistent/task.yaml");
    ASSERT_FALSE(task.ok());
    EXPECT_EQ(task.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(task.error().message, "/nonexistent/task.yaml: task file not found");
}

TEST(TaskYaml, DuplicateTaskNamesInDirAreAnError) {
    const auto dir = test::make_temp_dir("taskdir");
    std::ofstream(dir / "a.yaml") << kValid;
    std::ofstream(dir / "b.yaml") << kValid;
    auto tasks = load_task_dir(dir);
    ASSERT_FALSE(tasks.ok());
    EXPECT_EQ(tasks.error().message, (dir / "b.yaml").string() +
                                         ": task name \"tiny\" already defined in " +
                                         (dir / "a.yaml").string());
}

}  // namespace
}  // namespace biomedq
