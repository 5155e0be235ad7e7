#include <gtest/gtest.h>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

const std::vector<std::string> kDdiLabels = {"DDI-mechanism", "DDI-effect", "DDI-advise", "DDI-int",
                                             "DDI-false"};

TEST(RelationTsvLoader, SkipsHeaderStripsCrlfAndUnquotesCsvFields) {
    ASSERT_LOADS(dataset, "relation_tsv", "relation_good.tsv", kDdiLabels);
    ASSERT_EQ(dataset.examples.size(), 2u);
    EXPECT_EQ(dataset.examples[0].id, "r1");
    EXPECT_EQ(dataset.examples[0].text, "@DRUG$ raises @DRUG$ levels.");
    EXPECT_EQ(dataset.examples[0].labels, (std::vector<std::string>{"DDI-mechanism"}));
    EXPECT_EQ(dataset.examples[0].source, data_fixture("relation_good.tsv") + ":2");
    EXPECT_EQ(dataset.examples[1].text, "The \"so-called\" @DRUG$ and @DRUG$.");
    EXPECT_EQ(dataset.examples[1].labels, (std::vector<std::string>{"DDI-false"}));
}

TEST(RelationTsvLoader, WithoutLabelSetAnyLabelLoads) {
    ASSERT_LOADS(dataset, "relation_tsv", "relation_unknown_label.tsv");
    EXPECT_EQ(dataset.examples[1].labels, (std::vector<std::string>{"DDI-bogus"}));
}

}  // namespace
}  // namespace biomedq::test
