// The run record's codec: what it writes it reads back unchanged (including keys a newer biomedq
// added), and what it cannot read it names by field.
#include <gtest/gtest.h>

#include <cmath>

#include "biomedq/record.h"

namespace biomedq {
namespace {

nlohmann::json full_sample() {
    return nlohmann::json::parse(R"({
      "task": "medqa", "id": "q17", "index": 3, "mode": "loglik",
      "gold": {"labels": ["B"], "spans": []},
      "parsed": {"valid": true, "labels": ["A"], "spans": []},
      "score": 0.0, "correct": false, "prompt": "Question: ...",
      "raw_output": "A",
      "options": [{"label": "A", "continuation": " A", "logprob": -0.5, "n_tokens": 1},
                  {"label": "B", "continuation": " B", "logprob": null, "n_tokens": 1}],
      "n_tokens_prompt": 120, "n_tokens_generated": 0, "t_latency_ms": 12.5,
      "added_by_a_newer_version": {"x": 1}})");
}

TEST(RecordCodec, ASampleRecordRoundTripsExactlyIncludingUnknownKeysAndMinusInfinity) {
    auto r = sample_record_from_json(full_sample());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->task, "medqa");
    EXPECT_EQ(r->index, 3u);
    ASSERT_TRUE(r->options.has_value());
    EXPECT_TRUE(std::isinf((*r->options)[1].logprob));  // JSON null: the option cannot be produced
    EXPECT_EQ(to_json(*r).dump(),
              full_sample().dump());  // as written to samples.jsonl (-inf is null)
}

TEST(RecordCodec, AMinimalSampleRecordWritesOnlyWhatItHas) {
    const auto minimal = nlohmann::json::parse(R"({"task": "hoc", "id": "1", "index": 0,
        "gold": {"labels": [], "spans": []}, "parsed": {"valid": false, "labels": [], "spans": []}, "score": 0.0})");
    auto r = sample_record_from_json(minimal);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(to_json(*r), minimal);
}

TEST(RecordCodec, SampleErrorsNameTheField) {
    auto bad = full_sample();
    bad["options"][1]["n_tokens"] = "one";
    auto r = sample_record_from_json(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "field \"options.1.n_tokens\": expected an integer, got \"one\"");
    bad = full_sample();
    bad["n_tokens_prompt"] = -3;
    EXPECT_EQ(sample_record_from_json(bad).error().message,
              "field \"n_tokens_prompt\": expected an integer >= 0, got -3");
}

nlohmann::json minimal_results() {
    return nlohmann::json::parse(R"({
      "schema_version": 1,
      "model": {"path": "m.gguf", "sha256": "ab", "quant_type": "Q8_0", "bits_per_weight": 8.5},
      "config": {"hash": "h", "resolved": {"prompt": "zero-shot", "subset": "sample200", "limit": 0,
                 "seed": 7, "ctx": 1024, "tasks": ["ddi"], "data_dir": "/d", "parallel": 4}},
      "tasks": {"ddi": {"primary_metric": "micro_f1_positive", "n_examples": 2, "n_selected": 2,
                "metrics": [{"name": "micro_f1_positive", "value": 0.5, "ci_low": 0.1, "ci_high": 0.9,
                             "published_name": "F1"}]}}})");
}

TEST(RecordCodec, ARunRecordKeepsTheSpecTheResolvedExtrasAndTheTasks) {
    auto run = run_record_from_json(minimal_results());
    ASSERT_TRUE(run.ok()) << run.error().message;
    EXPECT_EQ(run->spec.seed, 7u);
    EXPECT_EQ(run->spec.tasks, std::vector<std::string>{"ddi"});
    EXPECT_EQ(run->resolved_string("data_dir"), "/d");
    EXPECT_EQ(run->resolved_int("parallel", 0), 4);
    const TaskResult& t = run->tasks.at("ddi");
    ASSERT_NE(t.primary(), nullptr);
    EXPECT_DOUBLE_EQ(t.primary()->value, 0.5);
    EXPECT_EQ(t.published_metric_names.at("micro_f1_positive"), "F1");
    // Written and read again: the same record.
    auto again = run_record_from_json(to_json(*run));
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(to_json(*again), to_json(*run));
    EXPECT_EQ(to_json(*again)["config"]["resolved"]["parallel"], 4);
}

TEST(RecordCodec, RunRecordErrorsNameTheDottedField) {
    auto doc = minimal_results();
    doc["tasks"]["ddi"]["metrics"][0]["value"] = "high";
    EXPECT_EQ(run_record_from_json(doc).error().message,
              "field \"tasks.ddi.metrics.0.value\": expected a finite number, got \"high\"");
    doc = minimal_results();
    doc["config"]["resolved"].erase("seed");
    EXPECT_EQ(run_record_from_json(doc).error().message,
              "field \"config.resolved.seed\": missing (expected an integer >= 0)");
    doc = minimal_results();
    doc["memory"] = {{"devices", {{{"bytes_total", "lots"}}}}};
    EXPECT_EQ(run_record_from_json(doc).error().message,
              "field \"memory.devices.0.bytes_total\": expected an integer >= 0, got \"lots\"");
}

TEST(RecordCodec, TheIdentityLeavesLaterDefaultsOutSoOldRunsKeepTheirHash) {
    EvalSpec spec;
    const auto j = to_json(spec);
    EXPECT_FALSE(j.contains("kv_type"));
    EXPECT_FALSE(j.contains("protocol"));
    spec.kv_type = "q8_0";
    spec.protocol = "chen2025";
    auto back = eval_spec_from_json(to_json(spec));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->kv_type, "q8_0");
    EXPECT_EQ(back->protocol, "chen2025");
    EXPECT_EQ(to_json(*back), to_json(spec));
}

}  // namespace
}  // namespace biomedq
