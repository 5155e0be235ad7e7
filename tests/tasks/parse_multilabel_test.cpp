#include <gtest/gtest.h>

#include "task_test_helpers.h"

namespace biomedq {
namespace {

using Labels = std::vector<std::string>;

// {"<invalid>"} when the output is invalid.
Labels parsed(const std::string& task, const std::string& output) {
    const Prediction p = parse_answer(test::shipped_task(task), Example{}, output);
    if (!p.valid) return {"<invalid>"};
    return p.labels;
}

TEST(ParseMultiLabel, JsonShapes) {
    EXPECT_EQ(parsed("hoc", R"(["resisting cell death", "inducing angiogenesis"])"),
              (Labels{"resisting cell death", "inducing angiogenesis"}));
    EXPECT_EQ(
        parsed("hoc", "Here is my classification:\n```json\n[\"Inducing Angiogenesis\"]\n```"),
        (Labels{"inducing angiogenesis"}));
    EXPECT_EQ(
        parsed(
            "hoc",
            R"({"resisting cell death": 1, "inducing angiogenesis": 0, "cellular energetics": "1"})"),
        (Labels{"resisting cell death", "cellular energetics"}));
    EXPECT_EQ(parsed("hoc", R"({"labels": ["cellular energetics"]})"),
              (Labels{"cellular energetics"}));
    EXPECT_EQ(parsed("hoc", "[]"), (Labels{}));
    EXPECT_EQ(parsed("hoc", R"(["resisting cell death", "made up hallmark"])"),
              (Labels{"resisting cell death"}));
    EXPECT_EQ(parsed("hoc", R"(["resisting cell death", "resisting cell death"])"),
              (Labels{"resisting cell death"}));
}

TEST(ParseMultiLabel, CitationBracketsAreNotAnswers) {
    EXPECT_EQ(parsed("hoc", "As shown in [1], VEGF drives it.\n[\"inducing angiogenesis\"]"),
              (Labels{"inducing angiogenesis"}));
}

TEST(ParseMultiLabel, CotReadsTheAnswerLine) {
    EXPECT_EQ(parsed("hoc",
                     "The abstract mentions apoptosis (resisting cell death) only in passing; "
                     "its focus is T-cell escape.\nAnswer: [\"avoiding immune destruction\"]"),
              (Labels{"avoiding immune destruction"}));
}

TEST(ParseMultiLabel, PlainText) {
    EXPECT_EQ(parsed("hoc", "- Resisting cell death\n- Tumour promoting inflammation"),
              (Labels{"resisting cell death", "tumor promoting inflammation"}));
    EXPECT_EQ(parsed("litcovid", "Treatment, Case Report"), (Labels{"Treatment", "Case Report"}));
    EXPECT_EQ(parsed("litcovid", "**Topics:** forecasting; PREVENTION"),
              (Labels{"Prevention", "Epidemic Forecasting"}));
    EXPECT_EQ(parsed("hoc", "None of the hallmarks apply."), (Labels{}));
}

TEST(ParseMultiLabel, Unreadable) {
    EXPECT_EQ(parsed("hoc", "I am not sure."), (Labels{"<invalid>"}));
    EXPECT_EQ(parsed("litcovid", ""), (Labels{"<invalid>"}));
    TaskConfig strict = test::shipped_task("hoc");
    strict.parser.options["none_means_empty"] = "false";
    EXPECT_FALSE(parse_answer(strict, Example{}, "None.").valid);
}

}  // namespace
}  // namespace biomedq
