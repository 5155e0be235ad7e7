#include <gtest/gtest.h>

#include <fstream>

#include "biomedq/store.h"
#include "support/hand_made_runs.h"
#include "support/paths.h"

namespace biomedq {
namespace {

std::filesystem::path fixture_run() { return test::fixtures_dir() / "report" / "run-tiny-q8"; }

StoredRun hand_made_run(const std::string& dir) {
    StoredRun r;
    r.run_dir = dir;
    r.model_name = "model <a>";
    r.model_path = "/m.gguf";
    r.model_sha256 = "ff";
    r.quant_type = "q4_k_m";
    r.quant_label = "Q4_K - Medium";
    r.bits_per_weight = 4.89;
    r.n_params = 123;
    r.bytes_file = 456;
    r.prompt = "few-shot:1";
    r.subset = "sample200";
    r.limit = 2;
    r.seed = 18446744073709551615ull;  // max uint64 survives the int64 column
    r.ctx = 2048;
    r.config_hash = "h";
    r.backend = "cpu";
    r.bytes_weights = 1;
    r.bytes_kv = 2;
    r.bytes_compute = 3;
    r.bytes_total_allocated = 6;
    r.bytes_peak = 7;
    r.host_peak_rss_bytes = 8;
    r.examples_per_s = 0.5;
    r.prompt_tokens_per_s = 10.25;
    r.generated_tokens_per_s = 2.75;
    r.imported_at = "2026-01-02T03:04:05Z";
    StoredTask t = test::complete_task("ddi", "relation", "micro_f1_positive", 2);
    t.invalid_rate = 0.5;
    t.metrics = {{"micro_f1_positive", 0.25, 0.0, 0.5}, {"accuracy", 0.5, 0.0, 1.0}};
    t.metric_options.label_set = {"DDI-false", "DDI-effect"};
    t.metric_options.negative_label = "DDI-false";
    StoredSample s1{"e1", 0, 1.0, Gold{{"DDI-effect"}, {}},
                    Prediction{true, {"DDI-effect"}, {}, {}}};
    StoredSample s2{"e2", 1, 0.0, Gold{{"DDI-false"}, {{3, 9, "Chemical"}}},
                    Prediction{false, {}, {}, {}}};
    t.samples = {s1, s2};
    r.tasks = {t};
    return r;
}

TEST(ResultStore, RoundTripKeepsEveryField) {
    const auto dir = test::make_temp_dir("store_roundtrip");
    auto store = ResultStore::open(dir / "results.sqlite");
    ASSERT_TRUE(store.ok()) << store.error().message;
    ASSERT_TRUE(store->put_run(hand_made_run("/runs/a")).ok());
    auto runs = store->load_runs(true);
    ASSERT_TRUE(runs.ok()) << runs.error().message;
    ASSERT_EQ(runs->size(), 1u);
    const StoredRun& r = runs->front();
    EXPECT_EQ(r.model_name, "model <a>");
    EXPECT_EQ(r.quant_type, "q4_k_m");
    EXPECT_EQ(r.quant_label, "Q4_K - Medium");
    EXPECT_DOUBLE_EQ(r.bits_per_weight, 4.89);
    EXPECT_EQ(r.seed, 18446744073709551615ull);
    EXPECT_EQ(r.prompt, "few-shot:1");
    EXPECT_EQ(r.limit, 2);
    EXPECT_EQ(r.ctx, 2048);
    EXPECT_EQ(r.bytes_peak, 7u);
    EXPECT_EQ(r.host_peak_rss_bytes, 8u);
    EXPECT_DOUBLE_EQ(r.prompt_tokens_per_s, 10.25);
    EXPECT_EQ(r.imported_at, "2026-01-02T03:04:05Z");
    EXPECT_FALSE(r.full_precision());
    ASSERT_EQ(r.tasks.size(), 1u);
    const StoredTask& t = r.tasks[0];
    EXPECT_EQ(t.primary_metric, "micro_f1_positive");
    EXPECT_DOUBLE_EQ(t.invalid_rate, 0.5);
    EXPECT_TRUE(t.complete);
    ASSERT_EQ(t.metrics.size(), 2u);
    EXPECT_EQ(t.metrics[0].name, "micro_f1_positive");  // insertion order kept
    EXPECT_DOUBLE_EQ(t.primary()->ci_high, 0.5);
    EXPECT_EQ(t.metric_options.label_set, (std::vector<std::string>{"DDI-false", "DDI-effect"}));
    EXPECT_EQ(t.metric_options.negative_label, "DDI-false");
    ASSERT_EQ(t.samples.size(), 2u);
    EXPECT_EQ(t.samples[1].example_id, "e2");
    EXPECT_EQ(t.samples[1].gold.spans, (std::vector<Span>{{3, 9, "Chemical"}}));
    EXPECT_FALSE(t.samples[1].parsed.valid);
    EXPECT_EQ(t.samples[0].parsed.labels, std::vector<std::string>{"DDI-effect"});

    auto without = store->load_runs(false);
    ASSERT_TRUE(without.ok());
    EXPECT_TRUE(without->front().tasks[0].samples.empty());
}

TEST(ResultStore, ReopeningKeepsData) {
    const auto dir = test::make_temp_dir("store_reopen");
    {
        auto store = ResultStore::open(dir / "r.sqlite");
        ASSERT_TRUE(store.ok());
        ASSERT_TRUE(store->put_run(hand_made_run("/runs/a")).ok());
    }
    auto again = ResultStore::open(dir / "r.sqlite");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->count_runs().value(), 1);
}

TEST(ResultStore, ImportReadsResultsAndSamples) {
    const auto dir = test::make_temp_dir("store_import");
    auto store = ResultStore::open(dir / "results.sqlite");
    ASSERT_TRUE(store.ok());
    auto id = store->import_run(fixture_run());
    ASSERT_TRUE(id.ok()) << id.error().message;
    auto runs = store->load_runs(true);
    ASSERT_TRUE(runs.ok()) << runs.error().message;
    ASSERT_EQ(runs->size(), 1u);
    const StoredRun& r = runs->front();
    EXPECT_EQ(r.run_dir, std::filesystem::absolute(fixture_run()).lexically_normal().string());
    EXPECT_EQ(r.model_name, "invented-model");
    EXPECT_EQ(r.quant_type, "q8_0");  // from the file name suffix
    EXPECT_EQ(r.prompt, "zero-shot");
    EXPECT_EQ(r.seed, 7u);
    EXPECT_EQ(r.bytes_peak, 155u);  // no GPU: llama.cpp's allocations
    EXPECT_EQ(r.backend, "cpu");
    EXPECT_DOUBLE_EQ(r.generated_tokens_per_s, 12.5);
    const StoredTask* t = r.task("pubmedqa");
    ASSERT_NE(t, nullptr);
    EXPECT_NEAR(t->primary()->value, 2.0 / 3.0, 1e-12);
    // Label set from the shipped tasks/pubmedqa.yaml (the recorded tasks_dir does not exist).
    EXPECT_EQ(t->metric_options.label_set, (std::vector<std::string>{"yes", "no", "maybe"}));
    ASSERT_EQ(t->samples.size(), 3u);
    EXPECT_EQ(t->samples[0].example_id, "q-a");  // sorted by index, not file order
    EXPECT_EQ(t->samples[2].example_id, "q-c");
    EXPECT_FALSE(t->samples[2].parsed.valid);
}

TEST(ResultStore, ImportTwiceReplacesTheRun) {
    const auto dir = test::make_temp_dir("store_idempotent");
    auto store = ResultStore::open(dir / "results.sqlite");
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(store->import_run(fixture_run()).ok());
    ASSERT_TRUE(store->put_run(hand_made_run("/runs/other")).ok());
    ImportOptions renamed;
    renamed.model_name = "renamed";
    ASSERT_TRUE(store->import_run(fixture_run(), renamed).ok());
    ASSERT_TRUE(store->import_run(fixture_run(), renamed).ok());
    EXPECT_EQ(store->count_runs().value(), 2);
    auto runs = store->load_runs(true);
    ASSERT_TRUE(runs.ok());
    int n_renamed = 0, n_samples = 0;
    for (const auto& r : *runs) {
        if (r.model_name == "renamed") {
            ++n_renamed;
            n_samples += static_cast<int>(r.tasks.at(0).samples.size());
        }
    }
    EXPECT_EQ(n_renamed, 1);
    EXPECT_EQ(n_samples, 3);  // old samples went with the replaced run
}

TEST(ResultStore, ImportErrorsNameFileAndField) {
    const auto dir = test::make_temp_dir("store_import_errors");
    auto store = ResultStore::open(dir / "results.sqlite");
    ASSERT_TRUE(store.ok());
    auto missing = store->import_run(dir / "nope");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("nope/results.json"), std::string::npos)
        << missing.error().message;

    std::filesystem::create_directories(dir / "bad");
    std::ofstream(dir / "bad" / "results.json") << R"({"model": {"path": "x.gguf"}})";
    auto bad = store->import_run(dir / "bad");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("field \"model.sha256\""), std::string::npos)
        << bad.error().message;
    EXPECT_EQ(store->count_runs().value(), 0);
}

TEST(QuantTypeNames, FromFileNameOrDescription) {
    EXPECT_EQ(quant_type_from_names("Q4_K - Medium", "/x/tiny-F16-Q4_K_M.gguf"), "q4_k_m");
    EXPECT_EQ(quant_type_from_names("F16", "/x/tiny-F16.gguf"), "f16");
    EXPECT_EQ(quant_type_from_names("Q4_K - Medium", "/x/model.gguf"), "q4_k_m");
    EXPECT_EQ(quant_type_from_names("Q3_K - Large", "/x/model.gguf"), "q3_k_l");
    EXPECT_EQ(quant_type_from_names("Q8_0", "/x/weights.gguf"), "q8_0");
    EXPECT_EQ(quant_type_from_names("all F32", "/x/weights.gguf"), "f32");
    EXPECT_EQ(quant_type_from_names("mystery", "/x/weights.gguf"), "");
}

}  // namespace
}  // namespace biomedq
