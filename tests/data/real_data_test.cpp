// The loaders on the real files in shared/data: every count below is the one stated in
// shared/data/README.md or the folder's SOURCE.md. Skipped when the data folder is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

using Counts = std::map<std::string, std::size_t>;

std::size_t count_spans(const Dataset& dataset) {
    std::size_t n = 0;
    for (const auto& example : dataset.examples) n += example.spans.size();
    return n;
}

std::size_t count_tokens(const Dataset& dataset) {
    std::size_t n = 0;
    for (const auto& example : dataset.examples) n += example.tokens.size();
    return n;
}

std::map<std::string, std::size_t> count_labels(const Dataset& dataset) {
    std::map<std::string, std::size_t> counts;
    for (const auto& example : dataset.examples) {
        for (const auto& label : example.labels) ++counts[label];
    }
    return counts;
}

class RealData : public ::testing::Test {
protected:
    void SetUp() override {
        if (!std::filesystem::is_directory(shared_data_dir())) {
            GTEST_SKIP() << "no shared data at " << shared_data_dir();
        }
    }

    // Loads or fails the test with the loader's message.
    static Dataset load(const std::string& format, const std::string& relative,
                        std::vector<std::string> label_set = {}, std::string entity_type = {},
                        const std::string& secondary = {}) {
        DataSource source;
        source.format = format;
        source.path = (shared_data_dir() / relative).string();
        if (!secondary.empty()) source.secondary_path = (shared_data_dir() / secondary).string();
        source.label_set = std::move(label_set);
        source.entity_type = std::move(entity_type);
        auto result = load_dataset(source);
        EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
        if (!result.ok()) return Dataset{};
        EXPECT_TRUE(result->warnings.empty()) << result->warnings.front();
        return std::move(result).value();
    }

    // A BIO file of `type` mentions, checked for its sentence, mention and (when given) token
    // counts.
    static Dataset load_bio(const std::string& relative, const std::string& type,
                            std::size_t n_examples, std::size_t n_spans,
                            std::optional<std::size_t> n_tokens = std::nullopt) {
        Dataset dataset = load("bio_tsv", relative, {}, type);
        EXPECT_EQ(dataset.examples.size(), n_examples) << relative;
        EXPECT_EQ(count_spans(dataset), n_spans) << relative;
        if (n_tokens) {
            EXPECT_EQ(count_tokens(dataset), *n_tokens) << relative;
        }
        return dataset;
    }
};

const std::vector<std::string> kChemprotLabels = {"CPR:3", "CPR:4", "CPR:5",
                                                  "CPR:6", "CPR:9", "false"};
const std::vector<std::string> kDdiLabels = {"DDI-mechanism", "DDI-effect", "DDI-advise", "DDI-int",
                                             "DDI-false"};
const std::vector<std::string> kHallmarks = {"activating invasion and metastasis",
                                             "sustaining proliferative signaling",
                                             "resisting cell death",
                                             "cellular energetics",
                                             "genomic instability and mutation",
                                             "evading growth suppressors",
                                             "inducing angiogenesis",
                                             "enabling replicative immortality",
                                             "avoiding immune destruction",
                                             "tumor promoting inflammation"};
const std::vector<std::string> kLitcovidTopics = {
    "Treatment",  "Diagnosis", "Prevention", "Mechanism", "Transmission", "Epidemic Forecasting",
    "Case Report"};

TEST_F(RealData, Bc5cdrChemicalBio) {
    const Dataset test = load_bio("BC5CDR-chemical/test.tsv", "Chemical", 4797, 5385, 124750);
    load_bio("BC5CDR-chemical/dev.tsv", "Chemical", 4581, 5347);
    load_bio("BC5CDR-chemical/train.tsv", "Chemical", 4560, 5203);

    const Dataset sample =
        load_bio("BC5CDR-chemical/BC5CDR-chem-test-sample200.tsv", "Chemical", 200, 317, 5531);
    // Every sample sentence is a test sentence once the CSV-quoted `""""` token is read as `"`.
    std::set<std::string> test_texts;
    for (const auto& example : test.examples) test_texts.insert(example.text);
    const auto in_test =
        std::count_if(sample.examples.begin(), sample.examples.end(),
                      [&](const Example& e) { return test_texts.contains(e.text); });
    EXPECT_EQ(in_test, 200);
}

TEST_F(RealData, NcbiDiseaseBio) {
    load_bio("NCBI-disease/test.tsv", "Disease", 940, 960, 24497);
    load_bio("NCBI-disease/dev.tsv", "Disease", 923, 787);
    load_bio("NCBI-disease/train.tsv", "Disease", 5424, 5134);
    load_bio("NCBI-disease/ncbi-disease-test-sample200.tsv", "Disease", 200, 328, 5466);
}

TEST_F(RealData, Bc5cdrPubtator) {
    const Dataset all = load("pubtator", "BC5CDR-chemical/CDR_TestSet.PubTator.txt");
    EXPECT_EQ(all.examples.size(), 500u);
    EXPECT_EQ(count_spans(all), 5385u + 4424u);
    const Dataset chemical =
        load("pubtator", "BC5CDR-chemical/CDR_TestSet.PubTator.txt", {}, "Chemical");
    EXPECT_EQ(chemical.examples.size(), 500u);
    EXPECT_EQ(count_spans(chemical), 5385u);  // = the B tags of test.tsv
    EXPECT_EQ(chemical.examples[0].id, "8701013");
}

TEST_F(RealData, NcbiOriginalCorpus) {
    const Dataset test = load("ncbi_corpus", "NCBI-disease/NCBItestset_corpus.txt");
    EXPECT_EQ(test.examples.size(), 100u);
    EXPECT_EQ(count_spans(test), 960u);  // = the B tags of test.tsv
    EXPECT_EQ(test.examples[0].id, "9949209");
    const Dataset dev = load("ncbi_corpus", "NCBI-disease/NCBIdevelopset_corpus.txt");
    EXPECT_EQ(dev.examples.size(), 100u);
    EXPECT_EQ(count_spans(dev), 787u);
}

TEST_F(RealData, ChemprotRelationRows) {
    const Dataset sample = load("relation_tsv", "ChemProt/chemprot-sample200.tsv", kChemprotLabels);
    EXPECT_EQ(sample.examples.size(), 200u);
    EXPECT_EQ(count_labels(sample), (Counts{{"CPR:3", 45},
                                            {"CPR:4", 88},
                                            {"CPR:5", 11},
                                            {"CPR:6", 13},
                                            {"CPR:9", 23},
                                            {"false", 20}}));
    const Dataset dev = load("relation_tsv", "ChemProt/dev.tsv", kChemprotLabels);
    EXPECT_EQ(dev.examples.size(), 11820u);
    EXPECT_EQ(count_labels(dev)["false"], 9404u);
    const Dataset rebuilt =
        load("relation_tsv", "ChemProt/test.reconstructed.tsv", kChemprotLabels);
    EXPECT_EQ(rebuilt.examples.size(), 15907u);
    EXPECT_EQ(rebuilt.examples.size() - count_labels(rebuilt)["false"], 3458u);
}

TEST_F(RealData, ChemprotGoldStandardFolder) {
    const Dataset gs = load("chemprot_gs", "ChemProt/chemprot_test_gs");
    EXPECT_EQ(gs.examples.size(), 800u);
    EXPECT_EQ(count_spans(gs), 20828u);
    std::map<std::string, std::size_t> entity_types;
    std::map<std::string, std::size_t> classes;
    std::size_t relations = 0;
    for (const auto& example : gs.examples) {
        for (const auto& span : example.spans) ++entity_types[span.type];
        for (const auto& label : example.labels) {
            ++relations;
            ++classes[label.substr(0, label.find('|'))];
        }
    }
    EXPECT_EQ(relations, 3458u);
    EXPECT_EQ(entity_types, (Counts{{"CHEMICAL", 10810}, {"GENE-N", 3360}, {"GENE-Y", 6658}}));
    EXPECT_EQ(
        classes,
        (Counts{{"CPR:3", 665}, {"CPR:4", 1661}, {"CPR:5", 195}, {"CPR:6", 293}, {"CPR:9", 644}}));
    EXPECT_EQ(gs.examples[0].id, "10076535");
    EXPECT_EQ(gs.examples[0].labels.front(), "CPR:3|T23|T56");
}

TEST_F(RealData, Ddi2013) {
    const Dataset test = load("relation_tsv", "DDI2013/test.tsv", kDdiLabels);
    EXPECT_EQ(test.examples.size(), 5761u);
    EXPECT_EQ(count_labels(test), (Counts{{"DDI-advise", 221},
                                          {"DDI-effect", 360},
                                          {"DDI-false", 4782},
                                          {"DDI-int", 96},
                                          {"DDI-mechanism", 302}}));
    EXPECT_EQ(test.examples.size() - count_labels(test)["DDI-false"], 979u);
    EXPECT_EQ(test.examples[0].id, "DDI-DrugBank.d572.s0.p0");
    EXPECT_FALSE(test.examples[0].labels[0].ends_with('\r'));  // the file is CRLF
    EXPECT_EQ(load("relation_tsv", "DDI2013/dev.tsv", kDdiLabels).examples.size(), 7244u);
    EXPECT_EQ(load("relation_tsv", "DDI2013/ddi2013-sample200.tsv", kDdiLabels).examples.size(),
              200u);
}

TEST_F(RealData, HallmarksOfCancer) {
    const Dataset test = load("multilabel_tsv", "HoC/test.tsv", kHallmarks);
    EXPECT_EQ(test.examples.size(), 315u);
    const auto labels = count_labels(test);
    EXPECT_EQ(labels.size(), 10u);
    EXPECT_EQ(labels.at("sustaining proliferative signaling"), 83u);
    EXPECT_EQ(labels.at("resisting cell death"), 83u);
    EXPECT_EQ(labels.at("genomic instability and mutation"), 70u);
    EXPECT_EQ(labels.at("avoiding immune destruction"), 17u);
    EXPECT_TRUE(std::all_of(test.examples.begin(), test.examples.end(),
                            [](const Example& e) { return !e.labels.empty(); }));
    EXPECT_EQ(load("multilabel_tsv", "HoC/dev.tsv", kHallmarks).examples.size(), 157u);
    EXPECT_EQ(load("multilabel_tsv", "HoC/train.tsv", kHallmarks).examples.size(), 1108u);
    EXPECT_EQ(load("multilabel_tsv", "HoC/hoc-sample200.tsv", kHallmarks).examples.size(), 200u);
}

TEST_F(RealData, LitCovid) {
    const Dataset test = load("multilabel_tsv", "LitCovid/test.tsv", kLitcovidTopics);
    EXPECT_EQ(test.examples.size(), 2500u);
    EXPECT_EQ(count_labels(test), (Counts{{"Case Report", 197},
                                          {"Diagnosis", 722},
                                          {"Epidemic Forecasting", 41},
                                          {"Mechanism", 567},
                                          {"Prevention", 926},
                                          {"Transmission", 128},
                                          {"Treatment", 1035}}));
    EXPECT_EQ(
        load("multilabel_tsv", "LitCovid/litcovid-sample200.tsv", kLitcovidTopics).examples.size(),
        200u);
}

TEST_F(RealData, MedQa) {
    const Dataset test =
        load("medqa_jsonl", "MedQA/phrases_no_exclude_test.jsonl", {"A", "B", "C", "D"});
    EXPECT_EQ(test.examples.size(), 1273u);
    EXPECT_EQ(count_labels(test), (Counts{{"A", 353}, {"B", 309}, {"C", 346}, {"D", 265}}));
    EXPECT_TRUE(std::all_of(test.examples.begin(), test.examples.end(),
                            [](const Example& e) { return e.options.size() == 4; }));
    const Dataset dev =
        load("medqa_jsonl", "MedQA/phrases_no_exclude_dev.jsonl", {"A", "B", "C", "D"});
    EXPECT_EQ(dev.examples.size(), 1272u);
    EXPECT_EQ(count_labels(dev), (Counts{{"A", 330}, {"B", 316}, {"C", 352}, {"D", 274}}));
}

TEST_F(RealData, PubMedQa) {
    const Dataset all = load("pubmedqa_json", "PubMedQA/ori_pqal.json");
    EXPECT_EQ(all.examples.size(), 1000u);
    EXPECT_EQ(count_labels(all), (Counts{{"maybe", 110}, {"no", 338}, {"yes", 552}}));

    const Dataset test =
        load("pubmedqa_json", "PubMedQA/ori_pqal.json", {}, {}, "PubMedQA/test_ground_truth.json");
    ASSERT_EQ(test.examples.size(), 500u);
    EXPECT_EQ(count_labels(test), (Counts{{"maybe", 55}, {"no", 169}, {"yes", 276}}));
    EXPECT_EQ(test.examples[0].id, "12377809");  // ground-truth order

    // The TSV holds the same 500 questions, in the same order, and reads to identical Examples.
    const Dataset tsv = load("pubmedqa_tsv", "PubMedQA/test.tsv");
    ASSERT_EQ(tsv.examples.size(), 500u);
    for (std::size_t i = 0; i < 500; ++i) {
        EXPECT_EQ(tsv.examples[i].id, test.examples[i].id) << i;
        EXPECT_EQ(tsv.examples[i].question, test.examples[i].question) << i;
        EXPECT_EQ(tsv.examples[i].text, test.examples[i].text) << i;
        EXPECT_EQ(tsv.examples[i].labels, test.examples[i].labels) << i;
    }
    EXPECT_EQ(load("pubmedqa_tsv", "PubMedQA/train.tsv").examples.size(), 450u);
    EXPECT_EQ(load("pubmedqa_tsv", "PubMedQA/dev.tsv").examples.size(), 50u);
    const Dataset sample = load("pubmedqa_tsv", "PubMedQA/pubmedqa-sample200.tsv");
    EXPECT_EQ(sample.examples.size(), 200u);
    EXPECT_EQ(count_labels(sample), (Counts{{"maybe", 28}, {"no", 71}, {"yes", 101}}));
}

// The largest files must load well under a second (the contract for `biomedq eval` start-up).
TEST_F(RealData, LargestFilesLoadFast) {
    const std::pair<std::string, std::string> largest[] = {
        {"relation_tsv", "ChemProt/test.reconstructed.tsv"},
        {"multilabel_tsv", "LitCovid/test.tsv"},
        {"pubmedqa_json", "PubMedQA/ori_pqal.json"},
        {"medqa_jsonl", "MedQA/phrases_no_exclude_test.jsonl"},
        {"bio_tsv", "BC5CDR-chemical/test.tsv"},
        {"chemprot_gs", "ChemProt/chemprot_test_gs"},
    };
    for (const auto& [format, path] : largest) {
        const auto start = std::chrono::steady_clock::now();
        const Dataset dataset = load(format, path);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
        EXPECT_FALSE(dataset.examples.empty()) << path;
        EXPECT_LT(ms, 1000) << path;
        std::printf("  %-45s %5lld ms, %zu examples\n", path.c_str(), static_cast<long long>(ms),
                    dataset.examples.size());
    }
}

}  // namespace
}  // namespace biomedq::test
