#include <gtest/gtest.h>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

using Options = std::vector<std::pair<std::string, std::string>>;
const Options kYesNoMaybe = {{"yes", "yes"}, {"no", "no"}, {"maybe", "maybe"}};

Result<Dataset> load_json(const std::string& name, const std::string& truth = {}) {
    DataSource source;
    source.format = "pubmedqa_json";
    source.path = data_fixture(name);
    if (!truth.empty()) source.secondary_path = data_fixture(truth);
    return load_dataset(source);
}

// Record 101, which the JSON and the TSV fixture both hold.
void expect_record_101(const Example& first) {
    EXPECT_EQ(first.id, "101");
    EXPECT_EQ(first.question, "Does Zorbex help?");
    EXPECT_EQ(first.text, "Zorbex was given.\nPatients improved.");
    EXPECT_EQ(first.options, kYesNoMaybe);
    EXPECT_EQ(first.labels, (std::vector<std::string>{"yes"}));
}

TEST(PubmedqaJsonLoader, AllRecordsInFileOrder) {
    auto dataset = load_json("pubmedqa_pqal.json");
    ASSERT_TRUE(dataset.ok()) << dataset.error().message;
    ASSERT_EQ(dataset->examples.size(), 3u);
    const Example& first = dataset->examples[0];
    expect_record_101(first);
    EXPECT_EQ(first.source, data_fixture("pubmedqa_pqal.json") + ":2");
    EXPECT_EQ(dataset->examples[1].id, "102");
    EXPECT_EQ(dataset->examples[2].id, "103");
    EXPECT_EQ(dataset->examples[2].source, data_fixture("pubmedqa_pqal.json") + ":13");
}

TEST(PubmedqaJsonLoader, GroundTruthSelectsOrdersAndLabels) {
    auto dataset = load_json("pubmedqa_pqal.json", "pubmedqa_truth.json");
    ASSERT_TRUE(dataset.ok()) << dataset.error().message;
    ASSERT_EQ(dataset->examples.size(), 2u);
    EXPECT_EQ(dataset->examples[0].id, "103");
    EXPECT_EQ(dataset->examples[0].labels, (std::vector<std::string>{"no"}));  // truth, not "maybe"
    EXPECT_EQ(dataset->examples[1].id, "101");
    EXPECT_EQ(dataset->examples[1].labels, (std::vector<std::string>{"yes"}));
    ASSERT_EQ(dataset->warnings.size(), 1u);  // the disagreement is counted, not silent
    EXPECT_EQ(
        dataset->warnings[0],
        data_fixture("pubmedqa_truth.json") +
            ": PMID 103: ground truth \"no\" differs from final_decision \"maybe\"; using the "
            "ground truth");
}

TEST(PubmedqaJsonLoader, GroundTruthIdMissingFromDataIsAnError) {
    EXPECT_EQ(error_of(load_json("pubmedqa_pqal.json", "pubmedqa_truth_unknown_id.json")),
              data_fixture("pubmedqa_truth_unknown_id.json") +
                  ": line 2: field \"999\": PMID not found in " +
                  data_fixture("pubmedqa_pqal.json"));
}

TEST(PubmedqaJsonLoader, MissingFieldNamesLineOfRecordAndField) {
    EXPECT_EQ(error_of(load_json("pubmedqa_missing_field.json")),
              data_fixture("pubmedqa_missing_field.json") +
                  ": line 3: field \"QUESTION\": record \"102\": missing");
}

TEST(PubmedqaJsonLoader, BadJsonNamesLine) {
    const std::string message = error_of(load_json("pubmedqa_bad_json.json"));
    EXPECT_TRUE(
        message.starts_with(data_fixture("pubmedqa_bad_json.json") + ": line 3: invalid JSON: "))
        << message;
}

TEST(PubmedqaTsvLoader, ParsesPythonListContextsWithEscapes) {
    ASSERT_LOADS(dataset, "pubmedqa_tsv", "pubmedqa.tsv");
    ASSERT_EQ(dataset.examples.size(), 2u);
    const Example& first = dataset.examples[0];
    expect_record_101(first);
    const Example& second = dataset.examples[1];
    EXPECT_EQ(second.question, "Is caf\xC3\xA9 safe?");
    // \xe9 -> U+00E9, \u2013 -> U+2013 (UTF-8), and \\n is a backslash followed by n.
    EXPECT_EQ(second.text, "It's caf\xC3\xA9 \xE2\x80\x93 fine.\nLine\\n");
    EXPECT_EQ(second.labels, (std::vector<std::string>{"no"}));
}

}  // namespace
}  // namespace biomedq::test
