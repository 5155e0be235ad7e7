#include <gtest/gtest.h>

#include "task_test_helpers.h"

namespace biomedq {
namespace {

TaskConfig tiny_task() {
    TaskConfig task;
    task.name = "tiny";
    task.kind = TaskKind::kRelation;
    task.labels = {{"POS", {"positive"}, "it is good"}, {"NEG", {}, ""}};
    task.negative_label = "NEG";
    task.prompt.system = "You are careful.";
    task.prompt.instruction = "Label the text. Labels:\n{labels}";
    task.prompt.input_template = "Text: {text}";
    task.prompt.answer_format = "Reply with {label_names} only.";
    task.prompt.cot_instruction = "Think, then end with a line \"Answer: <label>\".";
    task.parser.name = "single_label";
    task.max_tokens = 5;
    task.max_tokens_cot = 300;
    return task;
}

Example example(const std::string& id, const std::string& text, const std::string& label) {
    Example e;
    e.id = id;
    e.text = text;
    e.labels = {label};
    return e;
}

TEST(BuildPrompt, ZeroShotChat) {
    const BuiltPrompt p =
        build_prompt(tiny_task(), example("1", "great stuff", "POS"), {}, PromptOptions{});
    ASSERT_EQ(p.messages.size(), 2u);
    EXPECT_EQ(p.messages[0],
              (ChatMessage{"system",
                           "You are careful.\n\nLabel the text. Labels:\n"
                           "- POS: it is good\n- NEG\n\nReply with POS, NEG only."}));
    EXPECT_EQ(p.messages[1], (ChatMessage{"user", "Text: great stuff"}));
    EXPECT_EQ(p.max_tokens, 5);
    EXPECT_TRUE(p.grammar.empty());
    EXPECT_TRUE(p.stop.empty());
}

TEST(BuildPrompt, FewShotCompletion) {
    PromptOptions options;
    options.method = PromptMethod::kFewShot;
    options.chat = false;
    const std::vector<Example> shots = {example("7", "awful", "NEG"),
                                        example("8", "lovely", "POS")};
    const BuiltPrompt p =
        build_prompt(tiny_task(), example("1", "great stuff", "POS"), shots, options);
    EXPECT_EQ(
        p.raw_prompt,
        "You are careful.\n\nLabel the text. Labels:\n- POS: it is good\n- NEG\n\n"
        "Reply with POS, NEG only.\n\nText: awful\nAnswer: NEG\n\nText: lovely\nAnswer: POS\n\n"
        "Text: great stuff\nAnswer:");
    EXPECT_EQ(p.stop, std::vector<std::string>{"\n\n"});
    ASSERT_EQ(p.messages.size(), 6u);
    EXPECT_EQ(p.messages[1], (ChatMessage{"user", "Text: awful"}));
    EXPECT_EQ(p.messages[2], (ChatMessage{"assistant", "NEG"}));
}

TEST(BuildPrompt, ZeroShotIgnoresShots) {
    const std::vector<Example> shots = {example("7", "awful", "NEG")};
    EXPECT_EQ(
        build_prompt(tiny_task(), example("1", "x", "POS"), shots, PromptOptions{}).messages.size(),
        2u);
}

TEST(BuildPrompt, CotWithShotsAndGrammar) {
    PromptOptions options;
    options.method = PromptMethod::kCot;
    options.constrained = true;
    options.chat = false;
    const std::vector<Example> shots = {example("7", "awful", "NEG")};
    const BuiltPrompt p = build_prompt(tiny_task(), example("1", "great", "POS"), shots, options);
    EXPECT_EQ(p.raw_prompt,
              "You are careful.\n\nLabel the text. Labels:\n- POS: it is good\n- NEG\n\n"
              "Think, then end with a line \"Answer: <label>\".\n\nText: awful\n"
              "Answer: NEG\n\nText: great\n");
    EXPECT_EQ(p.max_tokens, 300);
    EXPECT_TRUE(p.stop.empty());
    EXPECT_EQ(p.grammar, cot_answer_grammar(tiny_task(), example("1", "great", "POS")));
    options.chat = true;
    const BuiltPrompt chat =
        build_prompt(tiny_task(), example("1", "great", "POS"), shots, options);
    EXPECT_EQ(chat.messages[2], (ChatMessage{"assistant", "Answer: NEG"}));
}

TEST(BuildPrompt, McqaOptionsAndQuestion) {
    Example q;
    q.question = "Which is a fruit?";
    q.options = {{"A", "Stone"}, {"B", "Apple"}};
    q.labels = {"B"};
    const BuiltPrompt p = build_prompt(test::shipped_task("medqa"), q, {}, PromptOptions{});
    EXPECT_EQ(p.messages.back().content, "Question: Which is a fruit?\n\nA. Stone\nB. Apple");
}

TEST(RenderAnswer, EveryKind) {
    Example ner;
    ner.text = "aspirin and aspirin or Ca2+";
    ner.spans = {{0, 7, "Chemical"}, {12, 19, "Chemical"}, {23, 27, "Chemical"}};
    EXPECT_EQ(render_answer(test::shipped_task("bc5cdr-chem"), ner), R"(["aspirin", "Ca2+"])");
    Example doc;
    doc.labels = {"Mechanism", "Treatment"};
    EXPECT_EQ(render_answer(test::shipped_task("litcovid"), doc), R"(["Treatment", "Mechanism"])");
    EXPECT_EQ(render_answer(tiny_task(), example("1", "x", "NEG")), "NEG");
}

TEST(Grammar, SingleLabel) {
    EXPECT_EQ(answer_grammar(test::shipped_task("pubmedqa"), Example{}),
              "root ::= \" \"? answer\nanswer ::= \"yes\" | \"no\" | \"maybe\"\n");
}

TEST(Grammar, McqaLettersComeFromTheExample) {
    Example q;
    q.options = {{"A", "x"}, {"B", "y"}, {"C", "z"}};
    EXPECT_EQ(answer_grammar(test::shipped_task("medqa"), q),
              "root ::= \" \"? answer\nanswer ::= \"A\" | \"B\" | \"C\"\n");
}

TEST(Grammar, MultiLabelJsonList) {
    EXPECT_EQ(
        answer_grammar(test::shipped_task("litcovid"), Example{}),
        "root ::= \" \"? answer\n"
        "answer ::= \"[\" ( label ( \", \" label ){0,6} )? \"]\"\n"
        "label ::= \"\\\"\" ( \"Treatment\" | \"Diagnosis\" | \"Prevention\" | \"Mechanism\" | "
        "\"Transmission\" | \"Epidemic Forecasting\" | \"Case Report\" ) \"\\\"\"\n");
}

TEST(Grammar, NerJsonListOfStrings) {
    EXPECT_EQ(answer_grammar(test::shipped_task("ncbi-disease"), Example{}),
              "root ::= \" \"? answer\n"
              "answer ::= \"[\" ( mention ( \", \" mention ){0,63} )? \"]\"\n"
              "mention ::= \"\\\"\" char{1,128} \"\\\"\"\n"
              "char ::= [^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" [\"\\\\/]\n");
}

TEST(Grammar, CotFreeLinesThenAnswerLine) {
    EXPECT_EQ(cot_answer_grammar(test::shipped_task("pubmedqa"), Example{}),
              "root ::= line* \"Answer:\" \" \"? answer\n"
              "rest ::= [^\\n]* \"\\n\"\n"
              "line ::= \"\\n\" | [^A\\n] rest | \"A\" l1\n"
              "l1 ::= \"\\n\" | [^n\\n] rest | \"n\" l2\n"
              "l2 ::= \"\\n\" | [^s\\n] rest | \"s\" l3\n"
              "l3 ::= \"\\n\" | [^w\\n] rest | \"w\" l4\n"
              "l4 ::= \"\\n\" | [^e\\n] rest | \"e\" l5\n"
              "l5 ::= \"\\n\" | [^r\\n] rest | \"r\" l6\n"
              "l6 ::= \"\\n\" | [^:\\n] rest\n"
              "answer ::= \"yes\" | \"no\" | \"maybe\"\n");
}

TEST(ChoiceRequest, PubMedQaContinuations) {
    Example e;
    e.text = "We found it works.";
    e.question = "Does it work?";
    PromptOptions options;
    options.chat = false;
    auto request = build_choice_request(test::shipped_task("pubmedqa"), e, {}, options);
    ASSERT_TRUE(request.ok());
    EXPECT_EQ(request->continuations, (std::vector<std::string>{" yes", " no", " maybe"}));
    EXPECT_EQ(request->chat_continuations, (std::vector<std::string>{"yes", "no", "maybe"}));
    EXPECT_EQ(request->choice_labels, (std::vector<std::string>{"yes", "no", "maybe"}));
    EXPECT_TRUE(request->raw_prompt.ends_with("Question: Does it work?\nAnswer:"));
}

TEST(ChoiceRequest, McqaUsesOptionKeysAndRejectsNer) {
    Example q;
    q.question = "?";
    q.options = {{"A", "x"}, {"B", "y"}};
    auto request = build_choice_request(test::shipped_task("medqa"), q, {}, PromptOptions{});
    ASSERT_TRUE(request.ok());
    EXPECT_EQ(request->continuations, (std::vector<std::string>{" A", " B"}));
    auto ner =
        build_choice_request(test::shipped_task("bc5cdr-chem"), Example{}, {}, PromptOptions{});
    ASSERT_FALSE(ner.ok());
    EXPECT_EQ(ner.error().code, ErrorCode::kUnsupported);
}

std::vector<Example> pool() {
    std::vector<Example> examples;
    const char* texts[] = {"red apple pie", "green apple tart",      "blue car engine",
                           "fast car race", "apple orchard harvest", "quiet library book"};
    for (int i = 0; i < 6; ++i)
        examples.push_back(example("p" + std::to_string(i), texts[i], "POS"));
    return examples;
}

std::vector<std::string> ids(const std::vector<Example>& shots) {
    std::vector<std::string> out;
    for (const auto& s : shots) out.push_back(s.id);
    return out;
}

TEST(ShotSelector, RandomIsSeededAndSharedByAllTargets) {
    PromptOptions options;
    options.k = 3;
    options.seed = 42;
    const auto a = ShotSelector::create(tiny_task(), pool(), options);
    const auto b = ShotSelector::create(tiny_task(), pool(), options);
    const auto shots = ids(a.select(example("x", "anything", "POS")));
    EXPECT_EQ(shots.size(), 3u);
    EXPECT_EQ(shots, ids(b.select(example("y", "something else", "NEG"))));
    options.k = 2;
    const auto fewer =
        ids(ShotSelector::create(tiny_task(), pool(), options).select(example("x", "", "POS")));
    EXPECT_EQ(fewer, (std::vector<std::string>{shots[0], shots[1]}));  // k=2 is a prefix of k=3
    // The target itself is never its own shot.
    const auto self = ids(a.select(example(shots[0], "", "POS")));
    EXPECT_EQ(self, (std::vector<std::string>{shots[1], shots[2], self[2]}));
    EXPECT_NE(self[2], shots[0]);
    options.k = 6;
    options.seed = 43;
    const auto other =
        ids(ShotSelector::create(tiny_task(), pool(), options).select(example("x", "", "POS")));
    options.seed = 42;
    const auto same_seed_all =
        ids(ShotSelector::create(tiny_task(), pool(), options).select(example("x", "", "POS")));
    EXPECT_NE(other, same_seed_all);
}

TEST(ShotSelector, NearestPicksLexicallyClosest) {
    PromptOptions options;
    options.k = 2;
    options.selection = ShotSelection::kNearest;
    const auto selector = ShotSelector::create(tiny_task(), pool(), options);
    EXPECT_EQ(ids(selector.select(example("x", "fast race car", "POS"))),
              (std::vector<std::string>{"p3", "p2"}));
    EXPECT_EQ(ids(selector.select(example("p1", "green apple tart", "POS"))),
              (std::vector<std::string>{"p0", "p4"}));  // p1 itself excluded; ties by pool order
}

}  // namespace
}  // namespace biomedq
