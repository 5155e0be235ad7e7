// The shipped tasks against the real data sets (sample200; skipped where the data is missing):
// every split loads, gold scored as a prediction gives 1.0 on every metric, a derangement does not,
// and a gold answer written the way the prompt asks parses back to the gold.
#include <gtest/gtest.h>

#include <algorithm>

#include "task_test_helpers.h"

namespace biomedq {
namespace {

class ShippedTaskData : public testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(test::shared_data_dir() / "README.md")) {
            GTEST_SKIP() << "no data in " << test::shared_data_dir();
        }
    }
    const TaskConfig& task() const { return test::shipped_task(GetParam()); }
};

TEST_P(ShippedTaskData, GoldAsPredictionScoresOneOnEveryMetric) {
    auto data = load_task_split(task(), "sample200", test::shared_data_dir());
    ASSERT_TRUE(data.ok()) << data.error().message;
    EXPECT_EQ(data->examples.size(), 200u);
    auto check = self_check(task(), data->examples);
    ASSERT_TRUE(check.ok()) << check.error().message;
    ASSERT_EQ(check->gold_as_prediction.size(), task().metrics.size());
    for (const auto& metric : check->gold_as_prediction) {
        EXPECT_DOUBLE_EQ(metric.value, 1.0) << metric.name;
    }
    EXPECT_LT(check->deranged.front().value, 0.9) << check->deranged.front().name;
}

TEST_P(ShippedTaskData, RenderedGoldParsesBack) {
    auto data = load_task_split(task(), "sample200", test::shared_data_dir());
    ASSERT_TRUE(data.ok()) << data.error().message;
    for (const auto& example : data->examples) {
        const Prediction p = parse_answer(task(), example, render_answer(task(), example));
        ASSERT_TRUE(p.valid) << example.source;
        const Gold gold = gold_of(task(), example);
        if (task().kind == TaskKind::kNer) {
            // Every gold span is found; a mention may also occur unannotated elsewhere.
            for (const auto& span : gold.spans) {
                EXPECT_TRUE(std::binary_search(p.spans.begin(), p.spans.end(), span))
                    << example.source << " "
                    << example.text.substr(span.begin, span.end - span.begin);
            }
        } else {
            auto expected = gold.labels;
            auto got = p.labels;
            std::sort(expected.begin(), expected.end());
            std::sort(got.begin(), got.end());
            EXPECT_EQ(got, expected) << example.source;
        }
    }
}

TEST_P(ShippedTaskData, EveryDeclaredSplitLoads) {
    for (const auto& [split, spec] : task().data.splits) {
        if (split == "test" && task().name == "litcovid") continue;  // 3.8 MiB, covered by sample
        auto data = load_task_split(task(), split, test::shared_data_dir());
        ASSERT_TRUE(data.ok()) << data.error().message;
        EXPECT_GT(data->examples.size(), 1u) << split;
    }
}

INSTANTIATE_TEST_SUITE_P(All, ShippedTaskData,
                         testing::Values("bc5cdr-chem", "ncbi-disease", "chemprot", "ddi", "hoc",
                                         "litcovid", "medqa", "pubmedqa"),
                         [](const auto& param_info) {
                             std::string name = param_info.param;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

TEST(UserDefinedTask, FixtureTaskLoadsItsOwnData) {
    auto task = load_task_file(test::fixtures_dir() / "tasks" / "user" / "toy-fruit.yaml");
    ASSERT_TRUE(task.ok()) << task.error().message;
    auto data = load_task_split(*task, "test", "/nonexistent-data-dir");  // dir "./" wins
    ASSERT_TRUE(data.ok()) << data.error().message;
    ASSERT_EQ(data->examples.size(), 3u);
    const Example& first = data->examples[0];
    EXPECT_EQ(first.text, "Grace ate a green apple and two kiwis .");
    EXPECT_EQ(gold_of(*task, first).spans,
              (std::vector<Span>{{12, 23, "Fruit"}, {32, 37, "Fruit"}}));
    const Prediction p = parse_answer(*task, first, R"(["green apple", "Kiwis", "apple"])");
    ASSERT_TRUE(p.valid);
    EXPECT_EQ(p.spans, (std::vector<Span>{{12, 23, "Fruit"}, {32, 37, "Fruit"}}));
    std::vector<Gold> gold;
    std::vector<Prediction> pred;
    for (const auto& e : data->examples) {
        gold.push_back(gold_of(*task, e));
        pred.push_back(parse_answer(*task, e, "[\"kiwis\"]"));
    }
    // Predicted: kiwis (sentence 1, correct), kiwis (sentence 2, correct); gold has 3 mentions.
    auto metrics = compute_metrics({"ner_strict_f1"}, gold, pred, metric_options_of(*task));
    ASSERT_TRUE(metrics.ok()) << metrics.error().message;
    EXPECT_DOUBLE_EQ(metrics->front().value, 2.0 * 1.0 * (2.0 / 3.0) / (1.0 + 2.0 / 3.0));
    const BuiltPrompt prompt = build_prompt(*task, first, {}, PromptOptions{});
    EXPECT_EQ(prompt.messages[0].content,
              "List the fruits in the sentence.\n\nReply with a JSON list of Fruit mentions.");
}

}  // namespace
}  // namespace biomedq
