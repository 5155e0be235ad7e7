// `eval --parallel auto` says which value it chose and why, and results.json keeps it, in a layout
// the schema describes field by field (issue 18 items 8 and 9).
#include "e2e/e2e_support.h"
#include "support/temp_dir_test.h"

namespace biomedq::test {
namespace {

bool have_data() {
    return std::filesystem::exists(shared_data_dir() / "PubMedQA" / "pubmedqa-sample200.tsv");
}

// Fields of `doc` the schema does not declare, as JSON pointers: following properties, $ref into
// $defs, items and additionalProperties.
void undeclared(const nlohmann::json& doc, const nlohmann::json& schema, const nlohmann::json& root,
                const std::string& at, std::vector<std::string>& out) {
    const nlohmann::json* s = &schema;
    while (s->contains("$ref")) {
        const std::string ref = (*s)["$ref"];  // "#/$defs/name"
        s = &root["$defs"][ref.substr(ref.rfind('/') + 1)];
    }
    if (doc.is_object()) {
        for (const auto& [key, value] : doc.items()) {
            if (s->contains("properties") && (*s)["properties"].contains(key)) {
                undeclared(value, (*s)["properties"][key], root, at + "/" + key, out);
            } else if (s->contains("additionalProperties") &&
                       (*s)["additionalProperties"].is_object()) {
                undeclared(value, (*s)["additionalProperties"], root, at + "/" + key, out);
            } else {
                out.push_back(at + "/" + key);
            }
        }
    } else if (doc.is_array() && s->contains("items")) {
        for (std::size_t i = 0; i < doc.size(); ++i)
            undeclared(doc[i], (*s)["items"], root, at + "/" + std::to_string(i), out);
    }
}

class ParallelChoiceE2E : public SharedDataTest {
protected:
    ParallelChoiceE2E() : SharedDataTest("parallel-choice", have_data) {}
};

TEST_F(ParallelChoiceE2E, AutoSaysWhatItChoseAndWhyAndRecordsIt) {
    const auto out = dir_ / "run";
    auto args = eval_args(out, "pubmedqa", 3);
    args[std::find(args.begin(), args.end(), "--parallel") - args.begin() + 1] = "auto";
    auto r = run_command(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto results = read_json(out / "results.json");
    const auto& choice = results["config"]["parallel_choice"];
    ASSERT_TRUE(choice.is_object()) << results["config"].dump(2);
    const int chosen = choice["chosen"];
    EXPECT_EQ(choice["requested"], "auto");
    EXPECT_EQ(chosen, results["config"]["resolved"]["parallel"].get<int>());
    // 3 examples: no point in more than 4 sequences, and the tiny model's 4 fit any test machine.
    EXPECT_EQ(chosen, 4);
    EXPECT_EQ(choice["max_tried"], 4);
    EXPECT_TRUE(choice["method"] == "simulation" || choice["method"] == "estimate")
        << choice["method"];
    const std::string device =
        choice["device"];  // host on CPU builds, GPU on a CUDA build with a GPU
    EXPECT_TRUE(device == "host" || device == "GPU") << device;
    EXPECT_GT(choice["bytes_budget"].get<std::uint64_t>(),
              choice["bytes_needed"].get<std::uint64_t>());
    EXPECT_GT(choice["bytes_kv_per_sequence"].get<std::uint64_t>(), 0u);
    const std::string reason = choice["reason"];
    EXPECT_NE(reason.find("the largest power of two whose memory fits 90% of the free " + device +
                          " memory"),
              std::string::npos)
        << reason;
    EXPECT_NE(reason.find("more would exceed the 3 pending examples"), std::string::npos) << reason;
    EXPECT_NE(r.err.find("biomedq: --parallel auto chose 4: " + reason + "\n"), std::string::npos)
        << r.err;
    expect_valid_run(out);

    // Every field results.json carries is declared (and so described: SchemaDescriptions).
    std::ifstream in(source_dir() / "schemas" / "results.schema.json");
    const auto schema = nlohmann::json::parse(in);
    std::vector<std::string> missing;
    undeclared(results, schema, schema, "", missing);
    std::string list;
    for (const auto& m : missing) list += "\n  " + m;
    EXPECT_TRUE(missing.empty()) << "results.json fields the schema does not declare:" << list;
}

TEST_F(ParallelChoiceE2E, ANumberIsRecordedAsRequestedWithoutAChoiceLine) {
    const auto out = dir_ / "run";
    auto r = run_command(eval_args(out, "pubmedqa", 2, {}, 2));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("--parallel auto chose"), std::string::npos) << r.err;
    const auto choice = read_json(out / "results.json")["config"]["parallel_choice"];
    EXPECT_EQ(
        choice,
        nlohmann::json::parse(
            R"({"requested": "2", "chosen": 2, "method": "requested", "reason": "--parallel 2 as given"})"));
    expect_valid_run(out);
}

}  // namespace
}  // namespace biomedq::test
