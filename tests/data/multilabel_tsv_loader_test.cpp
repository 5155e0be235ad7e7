#include <gtest/gtest.h>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

TEST(MultilabelTsvLoader, SplitsLabelsOnSemicolonsInFileOrder) {
    ASSERT_LOADS(dataset, "multilabel_tsv", "multilabel_good.tsv");
    ASSERT_EQ(dataset.examples.size(), 3u);
    EXPECT_EQ(dataset.examples[0].id, "1");
    EXPECT_EQ(dataset.examples[0].text, "Tumour cells evade death .");
    EXPECT_EQ(dataset.examples[0].labels, (std::vector<std::string>{"resisting cell death"}));
    EXPECT_EQ(dataset.examples[1].text, "A \"quoted\" word .");
    EXPECT_EQ(dataset.examples[1].labels,
              (std::vector<std::string>{"inducing angiogenesis", "cellular energetics"}));
    EXPECT_TRUE(dataset.examples[2].labels.empty());  // an empty field: no label
    EXPECT_EQ(dataset.examples[2].source, data_fixture("multilabel_good.tsv") + ":4");
}

}  // namespace
}  // namespace biomedq::test
