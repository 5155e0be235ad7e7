// A stored run is identified by its content (configuration hash + model sha256), not by the path it
// was imported from: another spelling, a symlink or a copy of a stored run is a no-op; a changed
// run (more samples after a resume) replaces the stored one; another configuration is another run
// even in the same directory. Also: the evaluated split's caveat (test_set_note) reaches the store.
#include "store/run_identity.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "biomedq/store.h"
#include "support/paths.h"

namespace biomedq {
namespace {

namespace fs = std::filesystem;
using Change = PutRunOutcome::Change;

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A copy of the fixture run (pubmedqa, 3 samples, config hash abc123, model sha256 0011).
fs::path copy_of_fixture(const fs::path& dir) {
    fs::create_directories(dir);
    for (const char* name : {"results.json", "samples.jsonl"}) {
        fs::copy_file(test::fixtures_dir() / "report" / "run-tiny-q8" / name, dir / name);
    }
    return dir;
}

void edit_results(const fs::path& dir, const std::function<void(nlohmann::json&)>& edit) {
    auto j = nlohmann::json::parse(slurp(dir / "results.json"));
    edit(j);
    std::ofstream(dir / "results.json") << j.dump(2);
}

TEST(RunIdentity, AnotherSpellingASymlinkOrACopyIsTheSameRun) {
    const auto dir = test::make_temp_dir("identity_paths");
    const auto r1 = copy_of_fixture(dir / "runs" / "r1");
    fs::create_directory_symlink(r1, dir / "link");
    fs::copy(r1, dir / "copy", fs::copy_options::recursive);
    auto store = ResultStore::open(dir / "results.sqlite");
    ASSERT_TRUE(store.ok()) << store.error().message;

    auto first = store->import_run(r1);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->change, Change::kAdded);
    const std::string stored_dir = fs::canonical(r1).string();
    for (const std::string& spelling :
         {r1.string() + "/", (dir / "link").string(), (dir / "copy").string(),
          (dir / "runs" / "." / "r1" / ".." / "r1").string()}) {
        auto again = store->import_run(spelling);
        ASSERT_TRUE(again.ok()) << again.error().message;
        EXPECT_EQ(again->change, Change::kUnchanged) << spelling;
        EXPECT_EQ(again->id, first->id) << spelling;
        EXPECT_EQ(again->previous_run_dir, stored_dir) << spelling;
    }
    EXPECT_EQ(store->count_runs().value(), 1);
    auto runs = store->load_runs(true);
    ASSERT_TRUE(runs.ok()) << runs.error().message;
    ASSERT_EQ(runs->size(), 1u);
    EXPECT_EQ(runs->front().run_dir,
              stored_dir);  // the first import's path, with no trailing slash
    EXPECT_EQ(runs->front().content_sha256.size(), 64u);
    EXPECT_EQ(runs->front().tasks.at(0).samples.size(), 3u);
}

TEST(RunIdentity, AResumedRunWithMoreSamplesReplacesTheStoredOne) {
    const auto dir = test::make_temp_dir("identity_resume");
    const auto r1 = copy_of_fixture(dir / "r1");
    auto store = ResultStore::open(dir / "results.sqlite");
    ASSERT_TRUE(store.ok());
    auto first = store->import_run(r1);
    ASSERT_TRUE(first.ok()) << first.error().message;

    // What a resume leaves: one more sample, and results.json rescored over it.
    std::ofstream(r1 / "samples.jsonl", std::ios::app)
        << R"({"task":"pubmedqa","id":"q-d","index":3,"gold":{"labels":["yes"],"spans":[]},)"
        << R"("parsed":{"valid":true,"labels":["yes"],"spans":[]},"score":1.0})"
        << "\n";
    edit_results(r1, [](nlohmann::json& j) {
        j["tasks"]["pubmedqa"]["n_examples"] = 4;
        j["tasks"]["pubmedqa"]["n_selected"] = 4;
        j["tasks"]["pubmedqa"]["metrics"][0]["value"] = 0.75;
    });
    auto resumed = store->import_run(r1);
    ASSERT_TRUE(resumed.ok()) << resumed.error().message;
    EXPECT_EQ(resumed->change, Change::kReplaced);
    EXPECT_EQ(resumed->previous_id, first->id);
    EXPECT_EQ(resumed->previous_run_dir, fs::canonical(r1).string());
    EXPECT_EQ(store->count_runs().value(), 1);
    auto runs = store->load_runs(true);
    ASSERT_TRUE(runs.ok());
    ASSERT_EQ(runs->size(), 1u);
    EXPECT_EQ(runs->front().id, resumed->id);
    const StoredTask* t = runs->front().task("pubmedqa");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->samples.size(), 4u);
    EXPECT_EQ(t->n_examples, 4);
    EXPECT_DOUBLE_EQ(t->primary()->value, 0.75);

    auto again = store->import_run(r1);  // nothing new since
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->change, Change::kUnchanged);
    EXPECT_EQ(again->id, resumed->id);
}

TEST(RunIdentity, AnotherConfigurationOrModelIsAnotherRunEvenFromTheSameDirectory) {
    const auto dir = test::make_temp_dir("identity_config");
    const auto r1 = copy_of_fixture(dir / "r1");
    auto store = ResultStore::open(dir / "results.sqlite");
    ASSERT_TRUE(store.ok());
    ASSERT_EQ(store->import_run(r1)->change, Change::kAdded);
    edit_results(r1, [](nlohmann::json& j) {
        j["config"]["hash"] = "def456";
    });  // e.g. rerun with --prompt cot
    ASSERT_EQ(store->import_run(r1)->change, Change::kAdded);
    edit_results(r1,
                 [](nlohmann::json& j) { j["model"]["sha256"] = "2233"; });  // another model file
    ASSERT_EQ(store->import_run(r1)->change, Change::kAdded);
    EXPECT_EQ(store->count_runs().value(), 3);
    auto runs = store->load_runs(false);
    ASSERT_TRUE(runs.ok());
    for (const auto& r : *runs) EXPECT_EQ(r.run_dir, fs::canonical(r1).string());
}

TEST(RunIdentity, ContentDigestCoversEverythingStoredButPathAndImportTime) {
    StoredRun a;
    a.run_dir = "/runs/a";
    a.model_name = "m";
    a.config_hash = "h";
    a.model_sha256 = "s";
    a.imported_at = "2026-01-01T00:00:00Z";
    StoredTask t;
    t.task = "pubmedqa";
    t.samples = {StoredSample{"q0", 0, 1.0, Gold{{"yes"}, {}}, Prediction{true, {"yes"}, {}, {}}}};
    a.tasks = {t};
    const std::string digest = store::run_content_sha256(a);
    StoredRun b = a;
    b.run_dir = "/elsewhere/b/";
    b.imported_at = "2027-01-01T00:00:00Z";
    b.id = 42;
    EXPECT_EQ(store::run_content_sha256(b), digest);
    b = a;
    b.tasks[0].samples[0].parsed.labels = {"no"};
    EXPECT_NE(store::run_content_sha256(b), digest);
    b = a;
    b.tasks[0].samples.push_back(
        StoredSample{"q1", 1, 0.0, Gold{{"no"}, {}}, Prediction{false, {}, {}, {}}});
    EXPECT_NE(store::run_content_sha256(b), digest);
    b = a;
    b.model_name = "renamed";  // import --model-name: a changed run, replaced
    EXPECT_NE(store::run_content_sha256(b), digest);
    b = a;
    b.tasks[0].test_set_note = "reconstructed";
    EXPECT_NE(store::run_content_sha256(b), digest);
}

TEST(TestSetNote, ImportedFromResultsJsonOrTheTaskConfigForOlderRuns) {
    const auto dir = test::make_temp_dir("store_test_set_note");
    auto store = ResultStore::open(dir / "results.sqlite");
    ASSERT_TRUE(store.ok());
    const std::string chemprot_note =
        "approximate reconstruction of the BLUE test set; report as such";
    // The fixture turned into a ChemProt run: its task config (the shipped tasks/chemprot.yaml)
    // notes that the test split (--subset all) is a reconstruction.
    auto as_chemprot = [&](const std::string& name, const std::string& subset,
                           const std::string& note) {
        const auto run = copy_of_fixture(dir / name);
        edit_results(run, [&](nlohmann::json& j) {
            j["config"]["hash"] = name;
            j["config"]["resolved"]["subset"] = subset;
            j["tasks"]["chemprot"] = j["tasks"]["pubmedqa"];
            j["tasks"].erase("pubmedqa");
            if (!note.empty()) j["tasks"]["chemprot"]["test_set_note"] = note;
        });
        std::string samples = slurp(run / "samples.jsonl");
        for (auto p = samples.find("pubmedqa"); p != std::string::npos;
             p = samples.find("pubmedqa")) {
            samples.replace(p, 8, "chemprot");
        }
        std::ofstream(run / "samples.jsonl") << samples;
        return run;
    };
    ASSERT_TRUE(
        store->import_run(as_chemprot("all-new", "all", "as written in results.json")).ok());
    ASSERT_TRUE(store->import_run(as_chemprot("all-old", "all", ""))
                    .ok());  // before results.json had the field
    ASSERT_TRUE(store->import_run(as_chemprot("sample", "sample200", "")).ok());
    auto runs = store->load_runs(false);
    ASSERT_TRUE(runs.ok()) << runs.error().message;
    std::map<std::string, std::string> note_by_run;
    for (const auto& r : *runs) note_by_run[r.config_hash] = r.task("chemprot")->test_set_note;
    EXPECT_EQ(note_by_run,
              (std::map<std::string, std::string>{{"all-new", "as written in results.json"},
                                                  {"all-old", chemprot_note},
                                                  {"sample", ""}}));
}

}  // namespace
}  // namespace biomedq
