// The chen2025 NER reply: the sentence again with <span> ... </span> around each entity.
#include <gtest/gtest.h>

#include "support/paths.h"
#include "task_test_helpers.h"

namespace biomedq {
namespace {

// Tokens joined by single spaces, as the BIO loader builds them. Offsets: L 0-1, - 2-3, dopa 4-8,
// and 9-12, L 13-14, - 15-16, dopa 17-21, with 22-26, selegiline 27-37, . 38-39
Example sentence() {
    Example e;
    e.tokens = {"L", "-", "dopa", "and", "L", "-", "dopa", "with", "selegiline", "."};
    for (const auto& t : e.tokens) e.text += (e.text.empty() ? "" : " ") + t;
    return e;
}

const TaskConfig& chen_bc5cdr() {
    static const TaskConfig task = [] {
        auto loaded =
            load_task_file(test::tasks_dir() / "protocols" / "chen2025" / "bc5cdr-chem.yaml");
        if (!loaded.ok()) ADD_FAILURE() << loaded.error().message;
        return loaded.ok() ? *loaded : TaskConfig{};
    }();
    return task;
}

using test::Spans;
const auto spans_of = test::chemical_spans;

TEST(ParseNerHtml, TaskUsesTheHtmlParser) {
    EXPECT_EQ(chen_bc5cdr().parser.name, "ner_html_spans");
    EXPECT_EQ(sentence().text, "L - dopa and L - dopa with selegiline .");
}

TEST(ParseNerHtml, OnlyTheTaggedOccurrenceCountsWhenTheSentenceIsReproduced) {
    // The model spaced "L-dopa" its own way and tagged the second occurrence only.
    const Prediction p =
        parse_answer(chen_bc5cdr(), sentence(),
                     "L-dopa and <span> L-dopa </span> with <span>selegiline</span> .");
    ASSERT_TRUE(p.valid);
    EXPECT_EQ(spans_of(p), (Spans{{13, 21}, {27, 37}}));
}

TEST(ParseNerHtml, TagsAreFoundInAnyCaseAndWithAttributes) {
    const Prediction p =
        parse_answer(chen_bc5cdr(), sentence(),
                     "<SPAN class=\"chemical\">L - dopa</SPAN> and L - dopa with selegiline .");
    EXPECT_EQ(spans_of(p), (Spans{{0, 8}}));
}

TEST(ParseNerHtml, RewrittenSentenceFallsBackToEveryOccurrenceOfTheTaggedText) {
    const Prediction p =
        parse_answer(chen_bc5cdr(), sentence(), "The chemicals are <span>L-dopa</span>.");
    ASSERT_TRUE(p.valid);
    EXPECT_EQ(spans_of(p), (Spans{{0, 8}, {13, 21}}));
}

TEST(ParseNerHtml, UntaggedSentenceIsAValidAnswerWithoutEntities) {
    const Prediction p =
        parse_answer(chen_bc5cdr(), sentence(), "L - dopa and L - dopa with selegiline .");
    EXPECT_TRUE(p.valid);
    EXPECT_TRUE(p.spans.empty());
}

TEST(ParseNerHtml, EmptyReplyIsInvalid) {
    const Prediction p = parse_answer(chen_bc5cdr(), sentence(), "  \n");
    EXPECT_FALSE(p.valid);
}

}  // namespace
}  // namespace biomedq
