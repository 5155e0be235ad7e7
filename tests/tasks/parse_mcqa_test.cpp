// MedQA letters: "A" is also a word, so letters count only where they stand alone.
#include <gtest/gtest.h>

#include "support/expect_each.h"
#include "task_test_helpers.h"

namespace biomedq {
namespace {

Example question() {
    Example e;
    e.id = "q1";
    e.question = "Which drug is an anticoagulant given by injection?";
    e.options = {
        {"A", "Aspirin"}, {"B", "Heparin"}, {"C", "Warfarin"}, {"D", "Aspirin and clopidogrel"}};
    e.labels = {"B"};
    return e;
}

std::string parsed(const std::string& output) {
    const Prediction p = parse_answer(test::shipped_task("medqa"), question(), output);
    if (!p.valid) return "";
    EXPECT_EQ(p.labels.size(), 1u);
    return p.labels.empty() ? "?" : p.labels.front();
}

TEST(ParseMcqaLetter, BareLetters) {
    test::expect_each(parsed, {
                                  {"B", "B"},
                                  {"A", "A"},
                                  {"(C)", "C"},
                                  {" D.\n", "D"},
                                  {"**B. Heparin**", "B"},
                              });
}

TEST(ParseMcqaLetter, Cues) {
    test::expect_each(parsed,
                      {
                          {"Answer: D", "D"},
                          {"answer: b", "B"},
                          {"The correct answer is C: Warfarin.", "C"},
                          {"A patient on warfarin needs bridging. The answer is (A).", "A"},
                          {"Option C is correct because it is taken orally.", "C"},
                          {"<think>A or B? Heparin is injected.</think>The answer is B.", "B"},
                          {"Step 1: exclude A.\nStep 2: exclude C.\nAnswer: B", "B"},
                      });
}

TEST(ParseMcqaLetter, OptionText) {
    EXPECT_EQ(parsed("Heparin"), "B");
    EXPECT_EQ(parsed("Aspirin and clopidogrel"), "D");  // contains option A's text too
}

TEST(ParseMcqaLetter, Unreadable) {
    test::expect_each(parsed, {
                                  {"", ""},
                                  {"I think it's either B or C.", ""},
                                  {"A patient like this needs anticoagulation.", ""},
                                  {"Aspirin or warfarin", ""},
                                  {"E", ""},
                              });
}

TEST(ParseMcqaLetter, OptionTextCanBeTurnedOff) {
    TaskConfig task = test::shipped_task("medqa");
    task.parser.options["match_option_text"] = "false";
    EXPECT_FALSE(parse_answer(task, question(), "Heparin").valid);
}

}  // namespace
}  // namespace biomedq
