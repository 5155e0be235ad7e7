// run_eval's stages over a scripted backend (runner/eval_session.h): resume, repairs,
// log-likelihood ties, a failing sample sink, outages and cancellation, on the real PubMedQA and
// MedQA test files
// (../shared/data), with no model. Each test runs in milliseconds.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "runner/eval_session.h"
#include "runner/scripted_backend.h"
#include "support/paths.h"

namespace biomedq::runner {
namespace {

constexpr std::size_t kLimit = 4;

RunConfig config_in(const std::filesystem::path& dir, const std::string& task) {
    RunConfig c;
    c.tasks = {task};
    c.limit = static_cast<int>(kLimit);
    c.chat = false;
    c.out_dir = (dir / "run").string();
    c.data_dir = test::shared_data_dir().string();
    c.tasks_dir = test::tasks_dir().string();
    c.bootstrap_resamples = 20;
    c.progress = false;
    return c;
}

EvalModel scripted_model() {
    EvalModel m;
    m.sha256 = "scripted";
    return m;
}

std::vector<std::string> log_lines(const RunConfig& c) {
    std::ifstream in(std::filesystem::path(c.out_dir) / "samples.jsonl");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

RunRecord results_of(const RunConfig& c) {
    auto run = read_run_record(c.out_dir);
    EXPECT_TRUE(run.ok()) << run.error().message;
    return run.ok() ? *run : RunRecord{};
}

// A sink that accepts `n_ok` records, then fails like a full disk.
class FailingSink : public record::SampleSink {
public:
    FailingSink(record::SampleSink& log, std::size_t n_ok) : log_(log), n_ok_(n_ok) {}
    Status append(const SampleRecord& r) override {
        if (n_ok_ == 0)
            return make_error(ErrorCode::kIo,
                              "samples.jsonl: writing a sample failed: No space left on device");
        --n_ok_;
        return log_.append(r);
    }

private:
    record::SampleSink& log_;
    std::size_t n_ok_;
};

class EvalStages : public ::testing::Test {
protected:
    void SetUp() override { dir_ = test::make_temp_dir("eval-stages"); }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

TEST_F(EvalStages, AFreshRunRecordsEachExampleOnceAndScoresItsAnswers) {
    const RunConfig c = config_in(dir_, "pubmedqa");
    test::ScriptedBackend backend;  // answers "yes" to everything
    auto outcome = run_eval_with(c, scripted_model(), backend);
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    EXPECT_EQ(backend.n_generate_requests, kLimit);
    EXPECT_EQ(outcome->n_examples_run, kLimit);
    ASSERT_EQ(log_lines(c).size(), kLimit);
    const RunRecord run = results_of(c);
    EXPECT_TRUE(run.complete);
    const TaskResult& t = run.tasks.at("pubmedqa");
    EXPECT_EQ(t.n_examples, kLimit);
    EXPECT_EQ(t.n_invalid, 0u);
    // Accuracy of always answering "yes" is the share of "yes" among the gold labels of the log.
    std::size_t n_yes = 0;
    for (const auto& line : log_lines(c)) {
        auto r = sample_record_from_json(nlohmann::json::parse(line));
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->parsed.labels, std::vector<std::string>{"yes"});
        n_yes += r->gold.labels == std::vector<std::string>{"yes"};
        EXPECT_EQ(r->score, r->gold.labels == r->parsed.labels ? 1.0 : 0.0);
    }
    ASSERT_NE(t.metric("accuracy"), nullptr);
    EXPECT_DOUBLE_EQ(t.metric("accuracy")->value, static_cast<double>(n_yes) / kLimit);
}

TEST_F(EvalStages, AnOutageLeavesExamplesUnrecordedAndARerunAnswersOnlyThose) {
    const RunConfig c = config_in(dir_, "pubmedqa");
    test::ScriptedBackend down;
    down.reply = [](std::size_t i, const BackendRequest&) {
        return test::ScriptedBackend::Reply{"no",
                                            i >= 1};  // the first answers, then the server is gone
    };
    auto first = run_eval_with(c, scripted_model(), down);
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(first.error().code, ErrorCode::kBackend);
    EXPECT_NE(first.error().message.find("1 of 4 examples have an answer"), std::string::npos)
        << first.error().message;
    EXPECT_EQ(log_lines(c).size(), 1u);
    EXPECT_FALSE(results_of(c).complete);

    test::ScriptedBackend up;
    auto second = run_eval_with(c, scripted_model(), up);
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_EQ(up.n_generate_requests, kLimit - 1);  // only the unanswered ones
    EXPECT_EQ(second->n_examples_resumed, 1u);
    EXPECT_EQ(log_lines(c).size(), kLimit);
    const RunRecord run = results_of(c);
    EXPECT_TRUE(run.complete);
    EXPECT_EQ(run.sessions.size(), 2u);
}

TEST_F(EvalStages, AnExactRepeatInTheLogIsReportedAndScoredOnce) {
    const RunConfig c = config_in(dir_, "pubmedqa");
    test::ScriptedBackend backend;
    ASSERT_TRUE(run_eval_with(c, scripted_model(), backend).ok());
    const auto lines = log_lines(c);
    std::ofstream(std::filesystem::path(c.out_dir) / "samples.jsonl", std::ios::app)
        << lines[0] << "\n";

    test::ScriptedBackend idle;
    auto again = run_eval_with(c, scripted_model(), idle);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(idle.n_generate_requests, 0u);
    const RunRecord run = results_of(c);
    EXPECT_EQ(run.tasks.at("pubmedqa").n_examples, kLimit);
    ASSERT_EQ(run.repairs.duplicates.size(), 1u);
    EXPECT_EQ(run.repairs.duplicates[0].line, kLimit + 1);
    EXPECT_EQ(run.repairs.duplicates[0].kept_line, 1u);
}

TEST_F(EvalStages, TwoDifferentAnswersForOneExampleStopTheRunBeforeTheBackendIsAsked) {
    const RunConfig c = config_in(dir_, "pubmedqa");
    test::ScriptedBackend backend;
    ASSERT_TRUE(run_eval_with(c, scripted_model(), backend).ok());
    auto record = sample_record_from_json(nlohmann::json::parse(log_lines(c)[0]));
    ASSERT_TRUE(record.ok());
    record->raw_output = "maybe";
    record->parsed.labels = {"maybe"};
    std::ofstream(std::filesystem::path(c.out_dir) / "samples.jsonl", std::ios::app)
        << to_json(*record).dump() << "\n";

    test::ScriptedBackend idle;
    auto again = run_eval_with(c, scripted_model(), idle);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kConflict);
    EXPECT_NE(again.error().message.find("lines 1 and 5 are two different records"),
              std::string::npos)
        << again.error().message;
    EXPECT_EQ(idle.n_generate_requests, 0u);
}

TEST_F(EvalStages, LoglikPicksTheMostLikelyOptionAndATieGoesToTheFirst) {
    RunConfig c = config_in(dir_, "medqa");
    c.mc_mode = "loglik";
    test::ScriptedBackend tied;  // every option -1.0
    ASSERT_TRUE(run_eval_with(c, scripted_model(), tied).ok());
    EXPECT_EQ(tied.n_loglik_requests, kLimit * 4);
    for (const auto& line : log_lines(c)) {
        auto r = sample_record_from_json(nlohmann::json::parse(line));
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->mode, "loglik");
        EXPECT_EQ(r->parsed.labels, std::vector<std::string>{"A"});
        ASSERT_TRUE(r->options.has_value());
        EXPECT_EQ(r->options->size(), 4u);
    }

    RunConfig c2 = config_in(dir_ / "second", "medqa");
    c2.mc_mode = "loglik";
    test::ScriptedBackend prefers_c;
    prefers_c.logprob = [](const BackendLoglikRequest& r) {
        return r.continuation.find('C') != std::string::npos ? -0.5 : -3.0;
    };
    ASSERT_TRUE(run_eval_with(c2, scripted_model(), prefers_c).ok());
    for (const auto& line : log_lines(c2)) {
        auto r = sample_record_from_json(nlohmann::json::parse(line));
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->parsed.labels, std::vector<std::string>{"C"}) << line;
        EXPECT_EQ(r->raw_output, "C");
    }
}

TEST_F(EvalStages, AFailingSampleSinkStopsTheRunKeepsWhatWasWrittenAndTheRestRunsLater) {
    const RunConfig c = config_in(dir_, "pubmedqa");
    test::ScriptedBackend backend;
    EvalHooks full_disk;
    full_disk.wrap_sink = [](record::SampleSink& log) {
        return std::make_unique<FailingSink>(log, 2);
    };
    auto failed = run_eval_with(c, scripted_model(), backend, nullptr, full_disk);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, ErrorCode::kIo);
    EXPECT_NE(failed.error().message.find("No space left on device"), std::string::npos);
    EXPECT_EQ(log_lines(c).size(), 2u);
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(c.out_dir) / "results.json"));

    test::ScriptedBackend later;
    auto resumed = run_eval_with(c, scripted_model(), later);
    ASSERT_TRUE(resumed.ok()) << resumed.error().message;
    EXPECT_EQ(later.n_generate_requests, kLimit - 2);
    EXPECT_EQ(results_of(c).tasks.at("pubmedqa").n_examples, kLimit);
}

TEST_F(EvalStages, ACancelledRunKeepsFinishedExamplesAndWritesNoResults) {
    const RunConfig c = config_in(dir_, "pubmedqa");
    test::ScriptedBackend backend;
    backend.cancel_after = 3;
    auto cancelled = run_eval_with(c, scripted_model(), backend);
    ASSERT_FALSE(cancelled.ok());
    EXPECT_EQ(cancelled.error().code, ErrorCode::kCancelled);
    EXPECT_EQ(log_lines(c).size(), 3u);
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(c.out_dir) / "results.json"));
}

TEST_F(EvalStages, AnotherSpecInTheSameDirectoryIsRefusedNamingWhatChanged) {
    RunConfig c = config_in(dir_, "pubmedqa");
    test::ScriptedBackend backend;
    ASSERT_TRUE(run_eval_with(c, scripted_model(), backend).ok());
    c.prompt = "few-shot:1";
    auto other = run_eval_with(c, scripted_model(), backend);
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().code, ErrorCode::kConflict);
    EXPECT_NE(other.error().message.find("prompt"), std::string::npos) << other.error().message;
}

}  // namespace
}  // namespace biomedq::runner
