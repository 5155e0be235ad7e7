// Single-label parsing (relation classes, yes/no/maybe) on outputs chat models really write.
#include <gtest/gtest.h>

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
    EXPECT_EQ(parsed("chemprot", "CPR:4"), "CPR:4");
    EXPECT_EQ(parsed("chemprot", "cpr 4"), "CPR:4");
    EXPECT_EQ(parsed("chemprot", "CPR-4"), "CPR:4");
    EXPECT_EQ(parsed("chemprot", "CPR4"), "CPR:4");
    EXPECT_EQ(parsed("chemprot", "  false\n"), "false");
    EXPECT_EQ(parsed("chemprot", "CPR:4 CPR:4 CPR:4"), "CPR:4");
}

TEST(ParseSingleLabel, ChemProtChatOutputs) {
    EXPECT_EQ(parsed("chemprot", "**Answer: CPR:9**"), "CPR:9");
    EXPECT_EQ(parsed("chemprot", "The relation is CPR:3 (upregulator)."), "CPR:3");
    EXPECT_EQ(parsed("chemprot", "The chemical blocks the receptor, unlike CPR:5 agonists.\n\n"
                                 "Answer: CPR:6"),
              "CPR:6");
    EXPECT_EQ(parsed("chemprot", "The answer is: **antagonist**"), "CPR:6");
    EXPECT_EQ(parsed("chemprot", "<think>Could be CPR:3... no.</think>\nCPR:4"), "CPR:4");
    EXPECT_EQ(parsed("chemprot", "CPR:3 or CPR:4"), "CPR:3");  // it starts with one
    EXPECT_EQ(parsed("chemprot", "There is no relation between them."), "false");
}

TEST(ParseSingleLabel, ChemProtUnreadable) {
    EXPECT_EQ(parsed("chemprot", ""), "");
    EXPECT_EQ(parsed("chemprot", "I cannot determine the relation."), "");
    EXPECT_EQ(parsed("chemprot", "It could be CPR:3 or CPR:4."), "");  // ambiguous
    EXPECT_EQ(parsed("chemprot", "CPR:7"), "");
}

TEST(ParseSingleLabel, FirstLabelFallbackOption) {
    TaskConfig task = test::shipped_task("chemprot");
    task.parser.options["first_label_fallback"] = "true";
    const Prediction p = parse_answer(task, Example{}, "It could be CPR:3 or CPR:4.");
    EXPECT_TRUE(p.valid);
    EXPECT_EQ(p.labels, std::vector<std::string>{"CPR:3"});
}

TEST(ParseSingleLabel, Ddi) {
    EXPECT_EQ(parsed("ddi", "DDI effect"), "DDI-effect");
    EXPECT_EQ(parsed("ddi", "ddi-mechanism"), "DDI-mechanism");
    EXPECT_EQ(parsed("ddi", "DDI-mech"), "DDI-mechanism");  // cut off by max_tokens
    EXPECT_EQ(parsed("ddi", "DDI-int"), "DDI-int");
    EXPECT_EQ(parsed("ddi", "The interaction is described without detail: DDI_INT"), "DDI-int");
    EXPECT_EQ(parsed("ddi", "There is no interaction between the two drugs."), "DDI-false");
    EXPECT_EQ(parsed("ddi", "Answer: DDI-advise\nExplanation: the label warns against it."),
              "DDI-advise");
    EXPECT_EQ(parsed("ddi", "`DDI-effect`"), "DDI-effect");
    EXPECT_EQ(parsed("ddi", "DDI"), "");  // a prefix of every label
    EXPECT_EQ(parsed("ddi", "DDI-effect or DDI-mechanism, hard to say"), "DDI-effect");
}

TEST(ParseSingleLabel, PubMedQa) {
    EXPECT_EQ(parsed("pubmedqa", "Yes."), "yes");
    EXPECT_EQ(parsed("pubmedqa", "no"), "no");
    EXPECT_EQ(parsed("pubmedqa", "Maybe"), "maybe");
    EXPECT_EQ(parsed("pubmedqa", "**Answer:** No"), "no");
    EXPECT_EQ(parsed("pubmedqa", "Based on the abstract, the answer is yes."), "yes");
    EXPECT_EQ(parsed("pubmedqa", "The evidence is inconclusive."), "maybe");
    EXPECT_EQ(parsed("pubmedqa", "YES, the study shows a clear benefit."), "yes");
    EXPECT_EQ(parsed("pubmedqa", "Final answer: maybe"), "maybe");
    EXPECT_EQ(parsed("pubmedqa", "To answer this question we look at the trial. No."), "no");
    EXPECT_EQ(parsed("pubmedqa", "The results suggest yes, but maybe not in all patients."), "");
    EXPECT_EQ(parsed("pubmedqa", "I don't know"), "");
    EXPECT_EQ(parsed("pubmedqa", "Yesterday"), "");
}

}  // namespace
}  // namespace biomedq
