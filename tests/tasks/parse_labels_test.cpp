// Single-label parsing (relation classes, yes/no/maybe) on outputs chat models really write.
#include <gtest/gtest.h>

#include "support/expect_each.h"
#include "task_test_helpers.h"

namespace biomedq {
namespace {

// "" means: the output must be invalid.
std::string parsed(const std::string& task_name, const std::string& output) {
    const Prediction p = parse_answer(test::shipped_task(task_name), Example{}, output);
    if (!p.valid) {
        EXPECT_TRUE(p.labels.empty());
        return "";
    }
    EXPECT_EQ(p.labels.size(), 1u);
    return p.labels.empty() ? "?" : p.labels.front();
}

TEST(ParseSingleLabel, ChemProtSpellings) {
    test::expect_each([](const std::string& s) { return parsed("chemprot", s); },
                      {
                          {"CPR:4", "CPR:4"},
                          {"cpr 4", "CPR:4"},
                          {"CPR-4", "CPR:4"},
                          {"CPR4", "CPR:4"},
                          {"  false\n", "false"},
                          {"CPR:4 CPR:4 CPR:4", "CPR:4"},
                      });
}

TEST(ParseSingleLabel, ChemProtChatOutputs) {
    test::expect_each([](const std::string& s) { return parsed("chemprot", s); },
                      {
                          {"**Answer: CPR:9**", "CPR:9"},
                          {"The relation is CPR:3 (upregulator).", "CPR:3"},
                          {"The chemical blocks the receptor, unlike CPR:5 agonists.\n\n"
                           "Answer: CPR:6",
                           "CPR:6"},
                          {"The answer is: **antagonist**", "CPR:6"},
                          {"<think>Could be CPR:3... no.</think>\nCPR:4", "CPR:4"},
                          {"CPR:3 or CPR:4", "CPR:3"},  // it starts with one
                          {"There is no relation between them.", "false"},
                      });
}

TEST(ParseSingleLabel, ChemProtUnreadable) {
    test::expect_each([](const std::string& s) { return parsed("chemprot", s); },
                      {
                          {"", ""},
                          {"I cannot determine the relation.", ""},
                          {"It could be CPR:3 or CPR:4.", ""},  // ambiguous
                          {"CPR:7", ""},
                      });
}

TEST(ParseSingleLabel, FirstLabelFallbackOption) {
    TaskConfig task = test::shipped_task("chemprot");
    task.parser.options["first_label_fallback"] = "true";
    const Prediction p = parse_answer(task, Example{}, "It could be CPR:3 or CPR:4.");
    EXPECT_TRUE(p.valid);
    EXPECT_EQ(p.labels, std::vector<std::string>{"CPR:3"});
}

TEST(ParseSingleLabel, Ddi) {
    test::expect_each(
        [](const std::string& s) { return parsed("ddi", s); },
        {
            {"DDI effect", "DDI-effect"},
            {"ddi-mechanism", "DDI-mechanism"},
            {"DDI-mech", "DDI-mechanism"},  // cut off by max_tokens
            {"DDI-int", "DDI-int"},
            {"The interaction is described without detail: DDI_INT", "DDI-int"},
            {"There is no interaction between the two drugs.", "DDI-false"},
            {"Answer: DDI-advise\nExplanation: the label warns against it.", "DDI-advise"},
            {"`DDI-effect`", "DDI-effect"},
            {"DDI", ""},  // a prefix of every label
            {"DDI-effect or DDI-mechanism, hard to say", "DDI-effect"},
        });
}

TEST(ParseSingleLabel, PubMedQa) {
    test::expect_each([](const std::string& s) { return parsed("pubmedqa", s); },
                      {
                          {"Yes.", "yes"},
                          {"no", "no"},
                          {"Maybe", "maybe"},
                          {"**Answer:** No", "no"},
                          {"Based on the abstract, the answer is yes.", "yes"},
                          {"The evidence is inconclusive.", "maybe"},
                          {"YES, the study shows a clear benefit.", "yes"},
                          {"Final answer: maybe", "maybe"},
                          {"To answer this question we look at the trial. No.", "no"},
                          {"The results suggest yes, but maybe not in all patients.", ""},
                          {"I don't know", ""},
                          {"Yesterday", ""},
                      });
}

}  // namespace
}  // namespace biomedq
