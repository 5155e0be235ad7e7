#include <gtest/gtest.h>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

TEST(MultilabelTsvLoader, SplitsLabelsOnSemicolonsInFileOrder) {
    auto dataset = load_fixture("multilabel_tsv", "multilabel_good.tsv");
    ASSERT_TRUE(dataset.ok()) << dataset.error().message;
    ASSERT_EQ(dataset->examples.size(), 3u);
    EXPECT_EQ(dataset->examples[0].id, "1");
    EXPECT_EQ(dataset->examples[0].text, "Tumour cells evade death .");
    EXPECT_EQ(dataset->examples[0].labels, (std::vector<std::string>{"resisting cell death"}));
    EXPECT_EQ(dataset->examples[1].text, "A \"quoted\" word .");
    EXPECT_EQ(dataset->examples[1].labels,
              (std::vector<std::string>{"inducing angiogenesis", "cellular energetics"}));
    EXPECT_TRUE(dataset->examples[2].labels.empty());  // an empty field: no label
    EXPECT_EQ(dataset->examples[2].source, data_fixture("multilabel_good.tsv") + ":4");
}

TEST(MultilabelTsvLoader, UnknownLabelIsAnError) {
    EXPECT_EQ(error_of(load_fixture("multilabel_tsv", "multilabel_unknown_label.tsv",
                                    {"resisting cell death", "cellular energetics"})),
              data_fixture("multilabel_unknown_label.tsv") +
                  ": line 2: field \"labels\": unknown label \"made-up hallmark\", expected one "
                  "of: resisting cell death, cellular energetics");
}

TEST(MultilabelTsvLoader, EmptyLabelBetweenSemicolonsIsAnError) {
    EXPECT_EQ(error_of(load_fixture("multilabel_tsv", "multilabel_empty_item.tsv")),
              data_fixture("multilabel_empty_item.tsv") +
                  ": line 1: field \"labels\": empty label in \"resisting cell "
                  "death;;cellular energetics\" (two `;` in a row?)");
}

TEST(MultilabelTsvLoader, EmptyFileIsAnError) {
    EXPECT_EQ(error_of(load_fixture("multilabel_tsv", "empty.txt")),
              data_fixture("empty.txt") + ": no rows (the file is empty)");
}

}  // namespace
}  // namespace biomedq::test
