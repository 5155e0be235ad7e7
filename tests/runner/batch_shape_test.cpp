// The batch shape a run started with: recorded in config.json without touching the identity, read
// back, and reused on resume (README "Greedy determinism").
#include "runner/batch_shape.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/paths.h"

namespace biomedq::runner {
namespace {

class BatchShapeRecord : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = test::make_temp_dir("batch-shape");
        std::ofstream(dir_ / "config.json") << R"({"identity": {"ctx": 1024}, "hash": "abc"})";
    }
    void TearDown() override {
        if (!HasFailure()) std::filesystem::remove_all(dir_);
    }
    nlohmann::json config() const {
        std::ifstream in(dir_ / "config.json");
        return nlohmann::json::parse(in);
    }
    std::filesystem::path dir_;
};

TEST_F(BatchShapeRecord, IsAbsentUntilRecordedThenReadBackWithTheIdentityUntouched) {
    auto none = read_batch_shape(dir_);
    ASSERT_TRUE(none.ok()) << none.error().message;
    EXPECT_FALSE(none->has_value());

    ASSERT_TRUE(record_batch_shape(dir_, {16, 2048, 512, 2}).ok());
    auto read = read_batch_shape(dir_);
    ASSERT_TRUE(read.ok()) << read.error().message;
    ASSERT_TRUE(read->has_value());
    EXPECT_EQ(**read, (BatchShape{16, 2048, 512, 2}));
    EXPECT_EQ(config(), nlohmann::json::parse(R"({"identity": {"ctx": 1024}, "hash": "abc",
        "batch_shape": {"parallel": 16, "n_batch": 2048, "n_ubatch": 512, "threads": 2,
                        "prefix_reuse": false, "kv_unified": false}})"));
}

TEST_F(BatchShapeRecord, ANewDirectoryHasNone) {
    auto none = read_batch_shape(dir_ / "new");
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
}

TEST_F(BatchShapeRecord, AMalformedRecordIsAnErrorNamingTheField) {
    std::ofstream(dir_ / "config.json") << R"({"identity": {}, "hash": "abc", "batch_shape":
        {"parallel": 4, "n_batch": 2048, "n_ubatch": 512, "threads": "two"}})";
    auto read = read_batch_shape(dir_);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().code, ErrorCode::kParse);
    EXPECT_EQ(read.error().message, (dir_ / "config.json").string() +
                                        ": field \"batch_shape.threads\": expected a whole number "
                                        "from 1 to 1000000");
}

const BatchShape kRecorded{16, 2048, 512, 4};

// What decide_batch_shape chooses for these flags and this fresh shape, with kRecorded or without.
void expect_decision(const std::string& parallel_flag, int threads_flag, const BatchShape& fresh,
                     const std::optional<BatchShape>& recorded, const BatchShape& shape,
                     const std::string& warning) {
    const auto d = decide_batch_shape(parallel_flag, threads_flag, fresh, recorded);
    EXPECT_EQ(d.shape, shape);
    EXPECT_EQ(d.warning, warning);
}

TEST(BatchShapeDecision, WithoutARecordTheFreshShapeIsUsed) {
    expect_decision("auto", 0, {8, 2048, 512, 2}, std::nullopt, BatchShape{8, 2048, 512, 2}, "");
}

TEST(BatchShapeDecision, AutoAndDefaultThreadsReuseTheRecordWhateverTheyWouldChooseNow) {
    expect_decision("auto", 0, {8, 4096, 256, 8}, kRecorded, kRecorded, "");
}

TEST(BatchShapeDecision, TheRecordedNumbersGivenExplicitlyAreNoChange) {
    expect_decision("16", 4, {16, 4096, 256, 4}, kRecorded, kRecorded, "");
}

TEST(BatchShapeDecision, ADifferentExplicitParallelIsObeyedWithAWarning) {
    expect_decision(
        "4", 0, {4, 4096, 256, 4}, kRecorded, BatchShape{4, 2048, 512, 4},
        "--parallel 4: this run started with --parallel 16 (config.json batch_shape); the "
        "remaining examples are batched differently, so greedy answers may differ from an "
        "uninterrupted run (rerun with --parallel auto or 16 to keep the recorded shape)");
}

TEST(BatchShapeDecision, ADifferentExplicitThreadCountIsObeyedWithAWarning) {
    expect_decision(
        "auto", 1, {8, 2048, 512, 1}, kRecorded, BatchShape{16, 2048, 512, 1},
        "--threads 1: this run started with 4 threads (config.json batch_shape); greedy "
        "answers may differ from an uninterrupted run (rerun with --threads 0 or 4 to keep "
        "them)");
}

TEST(BatchShapeDecision, FewerCpusThanRecordedThreadsAreNotOversubscribed) {
    expect_decision("auto", 0, {8, 2048, 512, 2}, kRecorded, BatchShape{16, 2048, 512, 2},
                    "this run started with 4 threads (config.json batch_shape) but only 2 CPUs are "
                    "available here, so it continues with 2; greedy answers may differ from an "
                    "uninterrupted run");
}

TEST_F(BatchShapeRecord, PrefixReuseIsReadBackAndOffForRecordsWrittenBeforeIt) {
    ASSERT_TRUE(record_batch_shape(dir_, {8, 4096, 2048, 2, true}).ok());
    auto read = read_batch_shape(dir_);
    ASSERT_TRUE(read.ok() && read->has_value());
    EXPECT_TRUE((*read)->prefix_reuse);
    std::ofstream(dir_ / "config.json") << R"({"identity": {}, "hash": "abc", "batch_shape":
        {"parallel": 4, "n_batch": 2048, "n_ubatch": 512, "threads": 2}})";
    read = read_batch_shape(dir_);
    ASSERT_TRUE(read.ok() && read->has_value());
    EXPECT_FALSE((*read)->prefix_reuse);
}

TEST(BatchShapeDecision, PrefixReuseContinuesAsRecordedWithAWarningWhenAskedOtherwise) {
    const auto d = decide_batch_shape("auto", 0, {8, 2048, 512, 4, true}, kRecorded);
    EXPECT_EQ(d.shape, kRecorded);
    EXPECT_EQ(d.warning,
              "--prefix-reuse on: this run started with --prefix-reuse off (config.json "
              "batch_shape) and continues with off, so its examples are batched alike");
}

}  // namespace
}  // namespace biomedq::runner
