// Fidelity rows in the store: round trip, replacement, import from a run directory's fidelity.json,
// and the migration of older stores (versions 1, 2 and 3).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <map>

#include "biomedq/store.h"
#include "biomedq/sweep.h"
#include "support/hand_made_runs.h"
#include "support/paths.h"

namespace biomedq {
namespace {

// A Q4_K_M file's fidelity row, every field set and distinct.
QuantFidelity q4_fidelity() { return test::hand_made_fidelity_row("q4_k_m", 0.0625, 0.875); }

void expect_same(const QuantFidelity& a, const QuantFidelity& b) {
    EXPECT_EQ(to_json(a), to_json(b));  // every field
}

// Runs SQL on the file directly (what an older biomedq would have left behind).
void exec_sql(const std::filesystem::path& db_path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    const std::string what = message ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << what;
}

int count_rows(const std::filesystem::path& db_path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    int n = -1;
    if (sqlite3_open(db_path.c_str(), &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        n = sqlite3_column_int(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
}

TEST(FidelityStore, RoundTripKeepsEveryFieldAndReplacesSameModelAndText) {
    const auto dir = test::make_temp_dir("store_fidelity");
    auto store = ResultStore::open(dir / "r.sqlite");
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_TRUE(store->load_fidelity().value().empty());
    const QuantFidelity a = q4_fidelity();
    QuantFidelity b = a;
    b.model_sha256 = "dd44";
    b.quant_type = "q8_0";
    b.kl_mean = 0.001;
    ASSERT_TRUE(store->put_fidelity(a).ok());
    ASSERT_TRUE(store->put_fidelity(b).ok());
    auto rows = store->load_fidelity();
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_EQ(rows->size(), 2u);
    expect_same((*rows)[0], a);  // ordered by source, then quant type: q4_k_m < q8_0
    expect_same((*rows)[1], b);

    QuantFidelity again = a;
    again.kl_mean = 0.125;  // measured again on the same text: replaces, not duplicates
    ASSERT_TRUE(store->put_fidelity(again).ok());
    rows = store->load_fidelity();
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_DOUBLE_EQ((*rows)[0].kl_mean, 0.125);
    QuantFidelity other_text = a;
    other_text.text_sha256 = "ee55";
    ASSERT_TRUE(store->put_fidelity(other_text).ok());
    EXPECT_EQ(store->load_fidelity()->size(), 3u);
}

TEST(FidelityStore, JsonRoundTripAndErrorsNameTheField) {
    const QuantFidelity a = q4_fidelity();
    auto back = quant_fidelity_from_json(to_json(a), "f.json");
    ASSERT_TRUE(back.ok()) << back.error().message;
    expect_same(*back, a);
    auto j = to_json(a);
    j.erase("kl_mean");
    auto missing = quant_fidelity_from_json(j, "f.json");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().message,
              "f.json: field \"kl_mean\": missing (expected a finite number)");
    j = to_json(a);
    j["n_tokens"] = "many";
    EXPECT_EQ(quant_fidelity_from_json(j, "f.json").error().message,
              "f.json: field \"n_tokens\": expected an integer >= 0, got \"many\"");
}

TEST(FidelityStore, ImportStoresTheRunDirectorysFidelityJson) {
    const auto dir = test::make_temp_dir("store_fidelity_import");
    const auto run_dir = dir / "run";
    std::filesystem::create_directories(run_dir);
    for (const char* name : {"results.json", "samples.jsonl"}) {
        std::filesystem::copy_file(test::fixtures_dir() / "report" / "run-tiny-q8" / name,
                                   run_dir / name);
    }
    auto store = ResultStore::open(dir / "results.sqlite");
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(store->import_run(run_dir).ok());
    EXPECT_TRUE(store->load_fidelity()->empty());  // no fidelity.json: no row

    std::ofstream(run_dir / "fidelity.json") << to_json(q4_fidelity()).dump(2);
    auto id = store->import_run(run_dir);
    ASSERT_TRUE(id.ok()) << id.error().message;
    ASSERT_TRUE(store->import_run(run_dir).ok());  // twice: still one row
    auto rows = store->load_fidelity();
    ASSERT_EQ(rows->size(), 1u);
    expect_same(rows->front(), q4_fidelity());
    EXPECT_EQ(store->count_runs().value(), 1);

    std::ofstream(run_dir / "fidelity.json") << "{\"source_sha256\": \"aa\"}";
    auto bad = store->import_run(run_dir);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, (run_dir / "fidelity.json").string() +
                                       ": field \"model_sha256\": missing (expected a string)");
}

// A store holding the fixture run, turned back into what an older biomedq wrote: `downgrade`
// removes what later versions added, and the version row says `version`.
std::filesystem::path old_store(const std::string& name, const std::string& downgrade,
                                int version) {
    const auto db = test::make_temp_dir(name) / "old.sqlite";
    {
        auto store = ResultStore::open(db);
        EXPECT_TRUE(store.ok());
        EXPECT_TRUE(store.ok() &&
                    store->import_run(test::fixtures_dir() / "report" / "run-tiny-q8").ok());
    }
    exec_sql(db, downgrade +
                     "; DELETE FROM schema_version; INSERT INTO schema_version(version) VALUES (" +
                     std::to_string(version) + ");");
    return db;
}

// Version 4 had no protocol or provenance per run and no metric definitions per task.
constexpr const char* kUndoVersion5 =
    "ALTER TABLE runs DROP COLUMN protocol; ALTER TABLE runs DROP COLUMN environment; "
    "ALTER TABLE runs DROP COLUMN finished_at; ALTER TABLE task_results DROP COLUMN "
    "metric_definitions; ";
// Version 3's runs had a UNIQUE run_dir and no content digest; its task_results no test-set note.
constexpr const char* kUndoVersion4 =
    "DROP INDEX runs_identity; ALTER TABLE runs DROP COLUMN content_sha256; "
    "ALTER TABLE task_results DROP COLUMN test_set_note; CREATE UNIQUE INDEX runs_run_dir ON "
    "runs(run_dir); ";
constexpr const char* kUndoVersion3 =
    "DROP TABLE run_devices; ALTER TABLE runs DROP COLUMN kv_type";

// Opens an older store, which migrates it, and expects the current schema version after.
Result<ResultStore> open_migrated(const std::filesystem::path& db) {
    auto store = ResultStore::open(db);
    if (store.ok()) {
        EXPECT_EQ(count_rows(db, "SELECT max(version) FROM schema_version"), 5);
    }
    return store;
}

TEST(FidelityStore, VersionOneStoreIsMigratedKeepingItsRuns) {
    const auto db = old_store(
        "store_migrate",
        std::string(kUndoVersion5) + kUndoVersion4 + "DROP TABLE fidelity; " + kUndoVersion3, 1);
    EXPECT_EQ(count_rows(db, "SELECT count(*) FROM sqlite_master WHERE name='fidelity'"), 0);

    auto store = open_migrated(db);
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(count_rows(db, "SELECT count(*) FROM schema_version"), 1);
    EXPECT_EQ(count_rows(db, "SELECT count(*) FROM sqlite_master WHERE name='run_devices'"), 1);
    EXPECT_EQ(store->count_runs().value(), 1);
    auto runs = store->load_runs(true);
    ASSERT_TRUE(runs.ok());
    EXPECT_EQ(runs->front().task("pubmedqa")->samples.size(), 3u);
    ASSERT_TRUE(store->put_fidelity(q4_fidelity()).ok());
    EXPECT_EQ(store->load_fidelity()->size(), 1u);
}

TEST(FidelityStore, VersionTwoStoreGetsTheDeviceTableKeepingItsRuns) {
    const auto db =
        old_store("store_migrate2", std::string(kUndoVersion5) + kUndoVersion4 + kUndoVersion3, 2);
    auto store = open_migrated(db);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto runs = store->load_runs(false);
    ASSERT_TRUE(runs.ok()) << runs.error().message;
    ASSERT_EQ(runs->size(), 1u);
    EXPECT_TRUE(runs->front().devices.empty());    // imported before version 3: no per-device rows
    EXPECT_EQ(runs->front().kv_type, "f16");       // and run with the only KV cache there was
    EXPECT_EQ(runs->front().protocol, "biomedq");  // and under the only protocol there was
}

// A version-4 store gains the protocol (its runs were biomedq's) and empty metric definitions.
TEST(FidelityStore, VersionFourStoreGetsTheProtocolKeepingItsRuns) {
    const auto db = old_store("store_migrate4", kUndoVersion5, 4);
    auto store = open_migrated(db);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto runs = store->load_runs(true);
    ASSERT_TRUE(runs.ok()) << runs.error().message;
    ASSERT_EQ(runs->size(), 1u);
    EXPECT_EQ(runs->front().protocol, "biomedq");
    EXPECT_EQ(runs->front().environment, nlohmann::json::object());  // unknown until imported again
    EXPECT_EQ(runs->front().task("pubmedqa")->samples.size(), 3u);
}

// A version-3 store holding the same run twice (imported as runs/r1 and runs/r1/, which version 3
// told apart by path) and one other run: the migration keeps one row per identity, the last
// imported, with its tasks and samples, and drops the other's; the next import of the run replaces
// it once.
TEST(FidelityStore, VersionThreeStoreWithARunStoredTwiceKeepsItOnce) {
    const auto db = old_store("store_migrate3", std::string(kUndoVersion5) + kUndoVersion4, 3);
    const std::string columns =
        "model_path, model_sha256, quant_type, quant_label, bits_per_weight, n_params, bytes_file, "
        "prompt, subset, "
        "limit_examples, seed, ctx, {hash}, backend, bytes_weights, bytes_kv, bytes_compute, "
        "bytes_total_allocated, "
        "bytes_peak, host_peak_rss_bytes, examples_per_s, prompt_tokens_per_s, "
        "generated_tokens_per_s, imported_at, "
        "kv_type";
    auto copy_run = [&](const std::string& run_dir, const std::string& model_name,
                        const std::string& hash, int id) {
        std::string select = columns, insert = columns;
        select.replace(select.find("{hash}"), 6, hash);
        insert.replace(insert.find("{hash}"), 6, "config_hash");
        const std::string n = std::to_string(id);
        exec_sql(db, "INSERT INTO runs (id, run_dir, model_name, " + insert + ") SELECT " + n +
                         ", " + run_dir + ", '" + model_name + "', " + select +
                         " FROM runs WHERE id = 1; "
                         "INSERT INTO task_results SELECT " +
                         n +
                         ", task, kind, primary_metric, n_examples, n_selected, "
                         "invalid_rate, complete, label_set, negative_label FROM task_results "
                         "WHERE run_id = 1; "
                         "INSERT INTO metrics SELECT " +
                         n +
                         ", task, name, value, ci_low, ci_high FROM metrics WHERE run_id = 1; "
                         "INSERT INTO samples SELECT " +
                         n +
                         ", task, example_id, example_index, score, gold, parsed "
                         "FROM samples WHERE run_id = 1;");
    };
    copy_run("run_dir || '/'", "imported again", "config_hash",
             2);  // the same run, under another spelling
    copy_run("run_dir || '-other'", "other configuration", "'other-hash'", 3);
    ASSERT_EQ(count_rows(db, "SELECT count(*) FROM runs"), 3);
    ASSERT_EQ(count_rows(db, "SELECT count(*) FROM samples"), 9);

    auto store = open_migrated(db);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto runs = store->load_runs(true);
    ASSERT_TRUE(runs.ok()) << runs.error().message;
    ASSERT_EQ(runs->size(), 2u);
    std::map<std::int64_t, std::string> names;
    for (const auto& r : *runs) {
        names[r.id] = r.model_name;
        EXPECT_EQ(r.task("pubmedqa")->samples.size(), 3u) << r.id;
        EXPECT_EQ(r.content_sha256, "") << r.id;  // unknown until imported again
    }
    EXPECT_EQ(names, (std::map<std::int64_t, std::string>{{2, "imported again"},
                                                          {3, "other configuration"}}));
    for (const char* table : {"task_results", "metrics", "samples", "run_devices"}) {
        EXPECT_EQ(
            count_rows(db, std::string("SELECT count(*) FROM ") + table + " WHERE run_id = 1"), 0)
            << table;
    }

    // run_dir is no longer unique, (config_hash, model_sha256) is: the run imported again replaces
    // row 2.
    auto again = store->import_run(test::fixtures_dir() / "report" / "run-tiny-q8");
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->change, PutRunOutcome::Change::kReplaced);
    EXPECT_EQ(again->previous_id, 2);
    EXPECT_EQ(store->count_runs().value(), 2);
    // Row 2's samples went with it: foreign keys (ON DELETE CASCADE) are back on after the rebuild.
    EXPECT_EQ(count_rows(db, "SELECT count(*) FROM samples"), 6);
    EXPECT_EQ(store->import_run(test::fixtures_dir() / "report" / "run-tiny-q8")->change,
              PutRunOutcome::Change::kUnchanged);
}

TEST(FidelityStore, NewerSchemaVersionIsRefused) {
    const auto dir = test::make_temp_dir("store_newer");
    const auto db = dir / "new.sqlite";
    ASSERT_TRUE(ResultStore::open(db).ok());
    exec_sql(db, "UPDATE schema_version SET version = 6;");
    auto store = ResultStore::open(db);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, ErrorCode::kConflict);
    EXPECT_EQ(store.error().message,
              db.string() + ": store schema version 6, this biomedq reads version 5");
}

}  // namespace
}  // namespace biomedq
