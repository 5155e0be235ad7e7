#include <gtest/gtest.h>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

constexpr const char* kText = "Zorbex causes rash. Rash faded after Zorbex was stopped.";

TEST(PubtatorLoader, TitleSpaceAbstractWithSortedSpansOfAllTypes) {
    ASSERT_LOADS(dataset, "pubtator", "pubtator_good.txt");
    ASSERT_EQ(dataset.examples.size(), 2u);
    const Example& doc = dataset.examples[0];
    EXPECT_EQ(doc.id, "111");
    EXPECT_EQ(doc.text, kText);
    EXPECT_EQ(
        doc.spans,
        (std::vector<Span>{
            {0, 6, "Chemical"}, {14, 18, "Disease"}, {20, 24, "Disease"}, {37, 43, "Chemical"}}));
    EXPECT_EQ(doc.source, data_fixture("pubtator_good.txt") + ":1");
    // An empty abstract keeps the convention title + " " + abstract.
    EXPECT_EQ(dataset.examples[1].id, "222");
    EXPECT_EQ(dataset.examples[1].text, "No mentions here. ");
    EXPECT_EQ(dataset.examples[1].source, data_fixture("pubtator_good.txt") + ":9");
}

TEST(PubtatorLoader, EntityTypeKeepsOnlyThatType) {
    ASSERT_LOADS(dataset, "pubtator", "pubtator_good.txt", {}, "Chemical");
    EXPECT_EQ(dataset.examples[0].spans,
              (std::vector<Span>{{0, 6, "Chemical"}, {37, 43, "Chemical"}}));
}

TEST(NcbiCorpusLoader, PubtatorLayoutCollapsesCategoriesToDisease) {
    ASSERT_LOADS(dataset, "ncbi_corpus", "ncbi_pubtator.txt");
    ASSERT_EQ(dataset.examples.size(), 1u);
    EXPECT_EQ(dataset.examples[0].text, kText);
    EXPECT_EQ(dataset.examples[0].spans,
              (std::vector<Span>{{14, 18, "Disease"}, {20, 24, "Disease"}}));
}

TEST(NcbiCorpusLoader, InlineLayoutRemovesTagsAndKeepsOffsets) {
    ASSERT_LOADS(dataset, "ncbi_corpus", "ncbi_inline.txt");
    ASSERT_EQ(dataset.examples.size(), 1u);
    expect_document(dataset.examples[0], "333", "A Zorbex syndrome case. Zorbex patients recover.",
                    {{2, 17, "Disease"}, {24, 30, "Disease"}});
}

TEST(NcbiCorpusLoader, InlineEntityTypeOverridesDisease) {
    ASSERT_LOADS(dataset, "ncbi_corpus", "ncbi_inline.txt", {}, "Problem");
    EXPECT_EQ(dataset.examples[0].spans[0].type, "Problem");
}

}  // namespace
}  // namespace biomedq::test
