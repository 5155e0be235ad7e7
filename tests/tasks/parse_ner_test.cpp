#include <gtest/gtest.h>
#include <time.h>

#include "task_test_helpers.h"

namespace biomedq {
namespace {

// Tokens joined by single spaces, as the BIO loader builds them. Offsets:
// Cisplatin 0-9, and 10-13, 5 14-15, - 16-17, fluorouracil 18-30, ( 31-32, 5 33-34, - 35-36,
// FU 37-39, ) 40-41, were 42-46, given 47-52, ; 53-54, cisplatin 55-64, caused 65-71,
// nephrotoxicity 72-86, . 87-88
Example sentence() {
    Example e;
    e.id = "s1";
    e.tokens = {"Cisplatin",
                "and",
                "5",
                "-",
                "fluorouracil",
                "(",
                "5",
                "-",
                "FU",
                ")",
                "were",
                "given",
                ";",
                "cisplatin",
                "caused",
                "nephrotoxicity",
                "."};
    for (const auto& t : e.tokens) e.text += (e.text.empty() ? "" : " ") + t;
    return e;
}

using test::Spans;

// {{999, 999}} when invalid.
Spans parsed(const std::string& output, const std::string& task = "bc5cdr-chem") {
    const Prediction p = parse_answer(test::shipped_task(task), sentence(), output);
    if (!p.valid) return {{999, 999}};
    return test::chemical_spans(p);
}

TEST(ParseNer, TextLayoutIsAsDocumented) {
    EXPECT_EQ(sentence().text,
              "Cisplatin and 5 - fluorouracil ( 5 - FU ) were given ; cisplatin "
              "caused nephrotoxicity .");
}

// Case-sensitive occurrences first (issue 13, item 10): "cisplatin" is the lower-case one at 55,
// not also "Cisplatin" at 0 (before: both); a model that means both writes both.
TEST(ParseNer, JsonListMapsEveryOccurrenceIgnoringSpacing) {
    EXPECT_EQ(parsed(R"(["cisplatin", "5-fluorouracil", "5-FU"])"),
              (Spans{{14, 30}, {33, 39}, {55, 64}}));
    EXPECT_EQ(parsed(R"(["Cisplatin", "cisplatin"])"), (Spans{{0, 9}, {55, 64}}));
    EXPECT_EQ(parsed("```json\n[\"FU\"]\n```"), (Spans{{37, 39}}));
    EXPECT_EQ(parsed(R"([{"text": "cisplatin", "type": "Chemical"}])"), (Spans{{55, 64}}));
    EXPECT_EQ(parsed(R"({"chemicals": ["5 - FU"]})"), (Spans{{33, 39}}));
}

TEST(ParseNer, MatchesOnlyWholeTokens) {
    EXPECT_EQ(parsed(R"(["platin"])"), (Spans{}));  // JSON answer, nothing found: valid, empty
    EXPECT_EQ(parsed(R"(["5", "5 - fluorouracil"])"),
              (Spans{{14, 30}, {33, 34}}));  // nested dropped
}

TEST(ParseNer, PlainTextLists) {
    EXPECT_EQ(parsed("cisplatin\n5-FU"), (Spans{{33, 39}, {55, 64}}));
    EXPECT_EQ(parsed("Cisplatin, 5-fluorouracil"), (Spans{{0, 9}, {14, 30}}));
    EXPECT_EQ(parsed("Sure! Here are the chemicals:\n- Cisplatin\n- 5 - FU"),
              (Spans{{0, 9}, {33, 39}}));
    EXPECT_EQ(parsed("1. Cisplatin\n2. 5-fluorouracil."), (Spans{{0, 9}, {14, 30}}));
    EXPECT_EQ(parsed("<span class=\"chemical\">Cisplatin</span> and 5 - fluorouracil"),
              (Spans{{0, 9}}));
}

TEST(ParseNer, CotReadsTheAnswerLine) {
    EXPECT_EQ(parsed("Cisplatin is a drug; nephrotoxicity is a disease, and 5 - FU is a drug too "
                     "but I will skip it.\nAnswer: [\"cisplatin\"]"),
              (Spans{{55, 64}}));
}

TEST(ParseNer, NoneAndUnreadable) {
    EXPECT_EQ(parsed("[]"), (Spans{}));
    EXPECT_EQ(parsed("None"), (Spans{}));
    EXPECT_EQ(parsed("There are no chemical entities in this sentence."), (Spans{}));
    EXPECT_EQ(parsed("I could not find any."), (Spans{{999, 999}}));
    EXPECT_EQ(parsed(""), (Spans{{999, 999}}));
}

// Hostile replies (issue 13, item 4): a megabyte of "[" took over 10 minutes (a scan to the end
// from every bracket). Each must now parse in well under a second; 2 s leaves room for a debug
// build. CPU time of this thread, not wall time: the bound is on the work, whatever else the
// machine runs.
double seconds_to_parse(const std::string& output, Spans* result) {
    const auto cpu_now = [] {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
    };
    const double t0 = cpu_now();
    *result = parsed(output);
    return cpu_now() - t0;
}

TEST(ParseNer, AMegabyteOfOpenBracketsIsInvalidAndFast) {
    Spans result;
    EXPECT_LT(seconds_to_parse(std::string(1 << 20, '['), &result), 2.0);
    EXPECT_EQ(result, (Spans{{999, 999}}));
}

TEST(ParseNer, AMegabyteOfNestedBracketsIsReadAsTheInnermostListAndFast) {
    // Half a million levels deep: never parsed whole (nor walked recursively); the first run nested
    // at most 32 deep that is answer-shaped is the innermost "[]", an empty answer.
    Spans result;
    EXPECT_LT(seconds_to_parse(std::string(1 << 19, '[') + std::string(1 << 19, ']'), &result),
              2.0);
    EXPECT_EQ(result, (Spans{}));
}

TEST(ParseNer, AMegabyteCommaListIsReadInOnePass) {
    // ", " separators and no "; ": each item used to rescan the rest of the line for "; ".
    std::string list;
    while (list.size() < (1u << 20)) list += "zzz, ";
    Spans result;
    EXPECT_LT(seconds_to_parse(list + "cisplatin", &result), 2.0);
    // Case-sensitive match first: "cisplatin" claims the lower-case mention only, not "Cisplatin".
    EXPECT_EQ(result, (Spans{{55, 64}}));
}

TEST(ParseNer, AnUnclosedBracketOrStrayQuoteDoesNotHideTheAnswer) {
    EXPECT_EQ(parsed("Entities [see below\n[\"cisplatin\"]"), (Spans{{55, 64}}));
    EXPECT_EQ(parsed("[ it's \"odd [\"5-FU\"]"), (Spans{{33, 39}}));
    EXPECT_EQ(parsed("{\"entities\": [{\"text\": \"cisplatin\"}]} [\"FU\"]"), (Spans{{55, 64}}));
}

TEST(ParseNer, UntokenizedTextUsesWordBoundaries) {
    Example e;
    e.text = "Aspirin-induced asthma after aspirin.";
    const Prediction p =
        parse_answer(test::shipped_task("bc5cdr-chem"), e, "[\"aspirin\", \"asth\"]");
    ASSERT_TRUE(p.valid);
    EXPECT_EQ(p.spans, (std::vector<Span>{{29, 36, "Chemical"}}));
    const Prediction both =
        parse_answer(test::shipped_task("bc5cdr-chem"), e, "[\"ASPIRIN\"]");  // no such case
    EXPECT_EQ(both.spans, (std::vector<Span>{{0, 7, "Chemical"}, {29, 36, "Chemical"}}));
}

// Gold "E" (vitamin E) and the "e" of "s . e . mean" (standard error): the answer "E" is the
// vitamin only; before, matching ignored case and claimed both. A mention in no case of the text as
// written
// ("VITAMIN E") still falls back to ignoring case.
TEST(ParseNer, CaseSensitiveMatchFirstThenIgnoringCase) {
    Example e;
    e.id = "s2";
    e.tokens = {"Vitamin", "E", "levels", "(", "s", ".", "e", ".", "mean", ")", "rose", "."};
    for (const auto& t : e.tokens) e.text += (e.text.empty() ? "" : " ") + t;
    ASSERT_EQ(e.text, "Vitamin E levels ( s . e . mean ) rose .");  // E 8-9, e 23-24
    auto spans_of = [&](const std::string& output) {
        Spans out;
        for (const auto& s : parse_answer(test::shipped_task("bc5cdr-chem"), e, output).spans)
            out.emplace_back(s.begin, s.end);
        return out;
    };
    EXPECT_EQ(spans_of(R"(["E"])"), (Spans{{8, 9}}));
    EXPECT_EQ(spans_of(R"(["e"])"), (Spans{{23, 24}}));
    EXPECT_EQ(spans_of(R"(["Vitamin E"])"), (Spans{{0, 9}}));
    EXPECT_EQ(spans_of(R"(["VITAMIN E"])"), (Spans{{0, 9}}));  // fallback: no case-sensitive match
    EXPECT_EQ(spans_of(R"(["vitamin e", "e"])"),
              (Spans{{0, 9}, {23, 24}}));  // each mention on its own
}

}  // namespace
}  // namespace biomedq
