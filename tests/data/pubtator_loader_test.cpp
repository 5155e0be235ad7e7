#include <gtest/gtest.h>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

constexpr const char* kText = "Zorbex causes rash. Rash faded after Zorbex was stopped.";

TEST(PubtatorLoader, TitleSpaceAbstractWithSortedSpansOfAllTypes) {
    auto dataset = load_fixture("pubtator", "pubtator_good.txt");
    ASSERT_TRUE(dataset.ok()) << dataset.error().message;
    ASSERT_EQ(dataset->examples.size(), 2u);
    const Example& doc = dataset->examples[0];
    EXPECT_EQ(doc.id, "111");
    EXPECT_EQ(doc.text, kText);
    EXPECT_EQ(
        doc.spans,
        (std::vector<Span>{
            {0, 6, "Chemical"}, {14, 18, "Disease"}, {20, 24, "Disease"}, {37, 43, "Chemical"}}));
    EXPECT_EQ(doc.source, data_fixture("pubtator_good.txt") + ":1");
    // An empty abstract keeps the convention title + " " + abstract.
    EXPECT_EQ(dataset->examples[1].id, "222");
    EXPECT_EQ(dataset->examples[1].text, "No mentions here. ");
    EXPECT_EQ(dataset->examples[1].source, data_fixture("pubtator_good.txt") + ":9");
}

TEST(PubtatorLoader, EntityTypeKeepsOnlyThatType) {
    auto dataset = load_fixture("pubtator", "pubtator_good.txt", {}, "Chemical");
    ASSERT_TRUE(dataset.ok()) << dataset.error().message;
    EXPECT_EQ(dataset->examples[0].spans,
              (std::vector<Span>{{0, 6, "Chemical"}, {37, 43, "Chemical"}}));
}

TEST(PubtatorLoader, OffsetsOutsideTheTextAreAnError) {
    EXPECT_EQ(error_of(load_fixture("pubtator", "pubtator_offsets_outside.txt")),
              data_fixture("pubtator_offsets_outside.txt") +
                  ": line 3: field \"end\": offsets [37, 99) are outside the text (title + \" \" + "
                  "abstract has 56 characters)");
}

TEST(PubtatorLoader, MentionDifferentFromTextAtOffsetsIsAnError) {
    EXPECT_EQ(
        error_of(load_fixture("pubtator", "pubtator_mention_mismatch.txt")),
        data_fixture("pubtator_mention_mismatch.txt") +
            ": line 4: field \"mention\": \"rush\" differs from the text at [14, 18): \"rash\"");
}

TEST(PubtatorLoader, MentionOfAnotherDocumentIsAnError) {
    EXPECT_EQ(error_of(load_fixture("pubtator", "pubtator_pmid_mismatch.txt")),
              data_fixture("pubtator_pmid_mismatch.txt") +
                  ": line 3: field \"PMID\": \"112\" differs from the document's PMID \"111\"");
}

TEST(PubtatorLoader, EmptyFileIsAnError) {
    EXPECT_EQ(error_of(load_fixture("pubtator", "empty.txt")),
              data_fixture("empty.txt") + ": no documents (the file is empty)");
}

TEST(NcbiCorpusLoader, PubtatorLayoutCollapsesCategoriesToDisease) {
    auto dataset = load_fixture("ncbi_corpus", "ncbi_pubtator.txt");
    ASSERT_TRUE(dataset.ok()) << dataset.error().message;
    ASSERT_EQ(dataset->examples.size(), 1u);
    EXPECT_EQ(dataset->examples[0].text, kText);
    EXPECT_EQ(dataset->examples[0].spans,
              (std::vector<Span>{{14, 18, "Disease"}, {20, 24, "Disease"}}));
}

TEST(NcbiCorpusLoader, InlineLayoutRemovesTagsAndKeepsOffsets) {
    auto dataset = load_fixture("ncbi_corpus", "ncbi_inline.txt");
    ASSERT_TRUE(dataset.ok()) << dataset.error().message;
    ASSERT_EQ(dataset->examples.size(), 1u);
    const Example& doc = dataset->examples[0];
    EXPECT_EQ(doc.id, "333");
    EXPECT_EQ(doc.text, "A Zorbex syndrome case. Zorbex patients recover.");
    EXPECT_EQ(doc.spans, (std::vector<Span>{{2, 17, "Disease"}, {24, 30, "Disease"}}));
}

TEST(NcbiCorpusLoader, InlineEntityTypeOverridesDisease) {
    auto dataset = load_fixture("ncbi_corpus", "ncbi_inline.txt", {}, "Problem");
    ASSERT_TRUE(dataset.ok()) << dataset.error().message;
    EXPECT_EQ(dataset->examples[0].spans[0].type, "Problem");
}

TEST(NcbiCorpusLoader, UnclosedInlineTagIsAnError) {
    EXPECT_EQ(error_of(load_fixture("ncbi_corpus", "ncbi_inline_unclosed.txt")),
              data_fixture("ncbi_inline_unclosed.txt") +
                  ": line 1: field \"abstract\": <category> at character 2 has no </category>");
}

}  // namespace
}  // namespace biomedq::test
