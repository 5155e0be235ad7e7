// samples.jsonl against the plan (issue 13, item 7): each planned example scored exactly once, a
// malformed record an error naming file, line and field (never an exception), repeats and foreign
// records reported and left out, two different answers for one example refused.
#include "runner/planned_samples.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "record/sample_log.h"
#include "support/paths.h"

namespace biomedq::runner {
namespace {

nlohmann::json record(const std::string& id, std::size_t index, const std::string& raw = "yes",
                      double latency_ms = 5.0) {
    return {{"task", "qa"},
            {"id", id},
            {"index", index},
            {"mode", "generate"},
            {"prompt", "Q?"},
            {"raw_output", raw},
            {"finish", "eos"},
            {"gold", {{"labels", {"yes"}}, {"spans", nlohmann::json::array()}}},
            {"parsed", {{"valid", true}, {"labels", {raw}}, {"spans", nlohmann::json::array()}}},
            {"score", raw == "yes" ? 1.0 : 0.0},
            {"correct", raw == "yes"},
            {"n_tokens_prompt", 3},
            {"n_tokens_generated", 1},
            {"t_latency_ms", latency_ms}};
}

EvalPlan plan_of(const std::vector<std::string>& ids) {
    EvalPlan plan;
    TaskPlan tp;
    tp.task.name = "qa";
    for (const auto& id : ids) {
        Example ex;
        ex.id = id;
        tp.examples.push_back(ex);
    }
    plan.tasks.push_back(std::move(tp));
    return plan;
}

class PlannedSamplesTest : public ::testing::Test {
protected:
    void SetUp() override { dir_ = test::make_temp_dir("planned-samples"); }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path write(const std::string& text) {
        const auto path = dir_ / "samples.jsonl";
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }
    static std::string line(const nlohmann::json& j) { return j.dump() + "\n"; }
    std::filesystem::path dir_;
};

TEST_F(PlannedSamplesTest, ARepeatedRecordIsScoredOnceAndReported) {
    // The repeat differs only in its latency: the same answer appended twice.
    const auto path =
        write(line(record("a", 0)) + line(record("b", 1)) + line(record("a", 0, "yes", 9.0)));
    auto samples = load_planned_samples(path, plan_of({"a", "b", "c"}));
    ASSERT_TRUE(samples.ok()) << samples.error().message;
    EXPECT_EQ(samples->n_scored, 2u);
    ASSERT_EQ(samples->by_task["qa"].size(), 2u);
    ASSERT_EQ(samples->repairs.duplicates.size(), 1u);
    EXPECT_EQ(samples->repairs.duplicates[0].id, "a");
    EXPECT_EQ(samples->repairs.duplicates[0].line, 3u);
    EXPECT_EQ(samples->repairs.duplicates[0].kept_line, 1u);
    EXPECT_EQ(
        repair_notes(samples->repairs, path),
        std::vector<std::string>{
            path.string() + ": 1 duplicate record not scored again: qa/a (line 3 repeats line 1)"});
    EXPECT_EQ(to_json(samples->repairs),
              nlohmann::json::parse(R"({"partial_last_line_bytes":0,"foreign_ignored":[],
                  "duplicates_dropped":[{"task":"qa","id":"a","line":3,"kept_line":1}]})"));
}

TEST_F(PlannedSamplesTest, TwoDifferentRecordsForOneExampleAreRefusedNamingBothLines) {
    const auto path =
        write(line(record("a", 0, "yes")) + line(record("b", 1)) + line(record("a", 0, "no")));
    auto samples = load_planned_samples(path, plan_of({"a", "b"}));
    ASSERT_FALSE(samples.ok());
    EXPECT_EQ(samples.error().code, ErrorCode::kConflict);
    EXPECT_EQ(
        samples.error().message,
        path.string() +
            ": lines 1 and 3 are two different records for qa/a; an example is scored once, so "
            "delete the wrong line (or both, to run it again) and rerun");
}

TEST_F(PlannedSamplesTest, ANumericIdIsAnErrorNamingFileLineAndFieldNotAnException) {
    auto bad = record("b", 1);
    bad["id"] = 7;
    const auto path = write(line(record("a", 0)) + line(bad));
    const std::string expected =
        path.string() +
        ": line 2: not a valid sample record (the run directory is damaged; fix or delete "
        "that line): field \"id\": expected a non-empty string, got 7";
    auto samples = load_planned_samples(path, plan_of({"a", "b"}));
    ASSERT_FALSE(samples.ok());
    EXPECT_EQ(samples.error().code, ErrorCode::kParse);
    EXPECT_EQ(samples.error().message, expected);
    // The resume path (it used to throw nlohmann::json::type_error here, aborting eval with exit
    // 134).
    auto log = record::SampleLog::open(path);
    ASSERT_FALSE(log.ok());
    EXPECT_EQ(log.error().message, expected);
}

TEST_F(PlannedSamplesTest, EachMalformedFieldIsNamed) {
    const std::vector<std::pair<std::function<void(nlohmann::json&)>, std::string>> cases = {
        {[](nlohmann::json& r) { r.erase("parsed"); },
         "field \"parsed\": missing (expected {valid, labels, spans})"},
        {[](nlohmann::json& r) { r["task"] = ""; },
         "field \"task\": expected a non-empty string, got \"\""},
        {[](nlohmann::json& r) { r["index"] = -1; },
         "field \"index\": expected an integer >= 0, got -1"},
        {[](nlohmann::json& r) { r["score"] = 2; },
         "field \"score\": expected a number from 0 to 1, got 2"},
        {[](nlohmann::json& r) { r["finish"] = "done"; },
         "field \"finish\": expected one of \"eos\", \"stop\", \"length\", \"grammar\", \"error\", "
         "got \"done\""},
        {[](nlohmann::json& r) {
             r["gold"] = {{"labels", "yes"}};
         },
         "field \"gold\": field \"labels\": expected an array of strings"},
        {[](nlohmann::json& r) { r["raw_output"] = nullptr; },
         "field \"raw_output\": expected a string, got null"},
    };
    for (const auto& [damage, message] : cases) {
        auto bad = record("a", 0);
        damage(bad);
        const auto path = write(line(bad));
        auto samples = load_planned_samples(path, plan_of({"a"}));
        ASSERT_FALSE(samples.ok()) << message;
        EXPECT_EQ(samples.error().message,
                  path.string() +
                      ": line 1: not a valid sample record (the run directory is "
                      "damaged; fix or delete that line): " +
                      message);
    }
}

TEST_F(PlannedSamplesTest, RecordsOfExamplesOutsideThePlanAreReportedNotScored) {
    auto other_task = record("a", 0);
    other_task["task"] = "ner";
    const auto path = write(line(record("a", 0)) + line(record("zz", 9)) + line(other_task));
    auto samples = load_planned_samples(path, plan_of({"a", "b"}));
    ASSERT_TRUE(samples.ok()) << samples.error().message;
    EXPECT_EQ(samples->n_scored, 1u);
    EXPECT_EQ(samples->by_task.size(), 1u);
    EXPECT_EQ(repair_notes(samples->repairs, path),
              std::vector<std::string>{path.string() +
                                       ": 2 records for examples this run does not select, not "
                                       "scored: qa/zz (line 2), ner/a (line 3)"});
}

TEST_F(PlannedSamplesTest, APartialLastLineIsReported) {
    const std::string cut = R"({"task":"qa","id":"b","ind)";
    const auto path = write(line(record("a", 0)) + cut);
    auto samples = load_planned_samples(path, plan_of({"a", "b"}));
    ASSERT_TRUE(samples.ok()) << samples.error().message;
    EXPECT_EQ(samples->n_scored, 1u);
    EXPECT_EQ(samples->repairs.n_partial_line_bytes, cut.size());
    EXPECT_EQ(repair_notes(samples->repairs, path),
              std::vector<std::string>{
                  path.string() + ": dropped a partial last line (" + std::to_string(cut.size()) +
                  " bytes: a record cut off when a run stopped mid-write); its example is not "
                  "scored until it runs again"});
    EXPECT_EQ(to_json(samples->repairs)["partial_last_line_bytes"], cut.size());
}

}  // namespace
}  // namespace biomedq::runner
