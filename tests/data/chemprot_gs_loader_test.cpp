#include <gtest/gtest.h>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

TEST(ChemprotGsLoader, OneExamplePerAbstractWithEntitiesAndGoldRelations) {
    ASSERT_LOADS(dataset, "chemprot_gs", "chemprot_gs");
    ASSERT_EQ(dataset.examples.size(), 2u);
    // Written in reverse order in the entities file; sorted here.
    expect_document(
        dataset.examples[0], "900",
        "Zorbex blocks KINASE1. Low doses of Zorbex did not block KINASE2.",
        {{0, 6, "CHEMICAL"}, {14, 21, "GENE-Y"}, {36, 42, "CHEMICAL"}, {57, 64, "GENE-N"}});
    EXPECT_EQ(dataset.examples[0].labels, (std::vector<std::string>{"CPR:4|T1|T2", "CPR:9|T3|T4"}));
    // The file counts code points ("NF-\u03baB" is [14, 19)); Span counts UTF-8 bytes (kappa is 2).
    expect_document(dataset.examples[1], "901",
                    "Heparin binds NF-\xCE\xBA"
                    "B. Nothing else.",
                    {{0, 7, "CHEMICAL"}, {14, 20, "GENE-Y"}});
    EXPECT_EQ(dataset.examples[1].labels, (std::vector<std::string>{"CPR:3|T1|T2"}));
}

}  // namespace
}  // namespace biomedq::test
