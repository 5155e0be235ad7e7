#include <gtest/gtest.h>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

TEST(LoadDataset, KnownFormatsInDispatchOrder) {
    EXPECT_EQ(known_data_formats(),
              (std::vector<std::string>{"bio_tsv", "pubtator", "ncbi_corpus", "relation_tsv",
                                        "chemprot_gs", "multilabel_tsv", "medqa_jsonl",
                                        "pubmedqa_json", "pubmedqa_tsv", "medqa_options_tsv"}));
}

TEST(LoadDataset, DatasetNamesFormatAndPath) {
    ASSERT_LOADS(dataset, "bio_tsv", "bio_good.tsv");
    EXPECT_EQ(dataset.name, "bio_tsv");
    EXPECT_EQ(dataset.path, data_fixture("bio_good.tsv"));
}

TEST(LoadDataset, UnknownFormatSuggestsNearMiss) {
    auto result = load_fixture("bio-tsv", "bio_good.tsv");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(
        result.error().message,
        "unknown data format \"bio-tsv\" (did you mean \"bio_tsv\"?); known formats: bio_tsv, "
        "pubtator, ncbi_corpus, relation_tsv, chemprot_gs, multilabel_tsv, medqa_jsonl, "
        "pubmedqa_json, pubmedqa_tsv, medqa_options_tsv");
}

TEST(LoadDataset, UnknownFormatFarFromAllGetsNoSuggestion) {
    auto result = load_fixture("xml", "bio_good.tsv");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().message.find("did you mean"), std::string::npos);
    EXPECT_TRUE(result.error().message.starts_with("unknown data format \"xml\"; known formats: "));
}

}  // namespace
}  // namespace biomedq::test
