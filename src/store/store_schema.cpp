#include "store/store_schema.h"

#include <string>

#include "biomedq/store.h"

namespace biomedq::store {
namespace {

// The runs columns from model_name to imported_at as version 1 created them; version 4 rebuilds
// runs with the same.
constexpr const char* kRunsColumnsV1 = R"sql(
    model_name TEXT NOT NULL,
    model_path TEXT NOT NULL,
    model_sha256 TEXT NOT NULL,
    quant_type TEXT NOT NULL,
    quant_label TEXT NOT NULL,
    bits_per_weight REAL NOT NULL,
    n_params INTEGER NOT NULL,
    bytes_file INTEGER NOT NULL,
    prompt TEXT NOT NULL,
    subset TEXT NOT NULL,
    limit_examples INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    ctx INTEGER NOT NULL,
    config_hash TEXT NOT NULL,
    backend TEXT NOT NULL,
    bytes_weights INTEGER NOT NULL,
    bytes_kv INTEGER NOT NULL,
    bytes_compute INTEGER NOT NULL,
    bytes_total_allocated INTEGER NOT NULL,
    bytes_peak INTEGER NOT NULL,
    host_peak_rss_bytes INTEGER NOT NULL,
    examples_per_s REAL NOT NULL,
    prompt_tokens_per_s REAL NOT NULL,
    generated_tokens_per_s REAL NOT NULL,
    imported_at TEXT NOT NULL)sql";

// Version 1 (kept as written: version 2 and later only add). Per-example rows (samples) carry gold
// and parsed answers as JSON in the shape of samples.jsonl, so any metric can be recomputed and
// paired across runs from the store alone.
const std::string kSchemaV1 = std::string(R"sql(
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    run_dir TEXT NOT NULL UNIQUE,)sql") +
                              kRunsColumnsV1 + R"sql(
);
CREATE TABLE IF NOT EXISTS task_results (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    task TEXT NOT NULL,
    kind TEXT NOT NULL,
    primary_metric TEXT NOT NULL,
    n_examples INTEGER NOT NULL,
    n_selected INTEGER NOT NULL,
    invalid_rate REAL NOT NULL,
    complete INTEGER NOT NULL,
    label_set TEXT NOT NULL,
    negative_label TEXT NOT NULL,
    PRIMARY KEY (run_id, task)
);
CREATE TABLE IF NOT EXISTS metrics (
    run_id INTEGER NOT NULL,
    task TEXT NOT NULL,
    name TEXT NOT NULL,
    value REAL NOT NULL,
    ci_low REAL NOT NULL,
    ci_high REAL NOT NULL,
    PRIMARY KEY (run_id, task, name),
    FOREIGN KEY (run_id, task) REFERENCES task_results(run_id, task) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS samples (
    run_id INTEGER NOT NULL,
    task TEXT NOT NULL,
    example_id TEXT NOT NULL,
    example_index INTEGER NOT NULL,
    score REAL NOT NULL,
    gold TEXT NOT NULL,
    parsed TEXT NOT NULL,
    PRIMARY KEY (run_id, task, example_id),
    FOREIGN KEY (run_id, task) REFERENCES task_results(run_id, task) ON DELETE CASCADE
);
)sql";

// Version 2 adds fidelity: one row per quantized model file (model_sha256) and comparison text, not
// per run, because every prompt's run of that file shares it. Runs find theirs by
// runs.model_sha256.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE IF NOT EXISTS fidelity (
    source_sha256 TEXT NOT NULL,
    model_sha256 TEXT NOT NULL,
    quant_type TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    text_description TEXT NOT NULL,
    ctx INTEGER NOT NULL,
    n_tokens INTEGER NOT NULL,
    n_chunks INTEGER NOT NULL,
    kl_mean REAL NOT NULL,
    kl_mean_se REAL NOT NULL,
    kl_median REAL NOT NULL,
    kl_p99 REAL NOT NULL,
    kl_max REAL NOT NULL,
    top1_agreement REAL NOT NULL,
    top1_se REAL NOT NULL,
    ppl_ratio REAL NOT NULL,
    ppl_ratio_se REAL NOT NULL,
    measured_at TEXT NOT NULL,
    PRIMARY KEY (model_sha256, text_sha256)
);
)sql";

// Version 3 adds memory per device, so a model split over several GPUs (or RPC servers) shows what
// each one holds, and the KV cache type of each run. Runs imported before have no device rows and
// the f16 KV cache they were run with.
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE runs ADD COLUMN kv_type TEXT NOT NULL DEFAULT 'f16';
CREATE TABLE IF NOT EXISTS run_devices (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    device TEXT NOT NULL,
    bytes_weights INTEGER NOT NULL,
    bytes_kv INTEGER NOT NULL,
    bytes_compute INTEGER NOT NULL,
    bytes_output INTEGER NOT NULL,
    bytes_peak_used INTEGER NOT NULL,
    bytes_total INTEGER NOT NULL,
    PRIMARY KEY (run_id, device)
);
)sql";

// Version 4 identifies a run by its content instead of its path: (config_hash, model_sha256) is
// unique and run_dir is not (the same run reached as runs/r1, runs/r1/, a symlink or a copy was
// stored once per spelling). SQLite cannot drop a UNIQUE constraint, so runs is rebuilt (the
// documented create-copy-drop-rename sequence, foreign keys off). Of rows sharing an identity, the
// last imported (highest id) stays, as a re-import under the new rule would have left it; the
// others' tasks, metrics, samples and devices go with them. Migrated runs get an empty content
// digest, so their next import replaces them once. task_results gains the split's caveat.
const std::string kSchemaV4 = std::string(R"sql(
CREATE TABLE runs_v4 (
    id INTEGER PRIMARY KEY,
    run_dir TEXT NOT NULL,)sql") +
                              kRunsColumnsV1 + R"sql(,
    kv_type TEXT NOT NULL DEFAULT 'f16',
    content_sha256 TEXT NOT NULL DEFAULT ''
);
INSERT INTO runs_v4 (id, run_dir, model_name, model_path, model_sha256, quant_type, quant_label, bits_per_weight,
    n_params, bytes_file, prompt, subset, limit_examples, seed, ctx, config_hash, backend, bytes_weights, bytes_kv,
    bytes_compute, bytes_total_allocated, bytes_peak, host_peak_rss_bytes, examples_per_s, prompt_tokens_per_s,
    generated_tokens_per_s, imported_at, kv_type)
SELECT id, run_dir, model_name, model_path, model_sha256, quant_type, quant_label, bits_per_weight,
    n_params, bytes_file, prompt, subset, limit_examples, seed, ctx, config_hash, backend, bytes_weights, bytes_kv,
    bytes_compute, bytes_total_allocated, bytes_peak, host_peak_rss_bytes, examples_per_s, prompt_tokens_per_s,
    generated_tokens_per_s, imported_at, kv_type
FROM runs WHERE id IN (SELECT max(id) FROM runs GROUP BY config_hash, model_sha256);
DROP TABLE runs;
ALTER TABLE runs_v4 RENAME TO runs;
CREATE UNIQUE INDEX runs_identity ON runs(config_hash, model_sha256);
DELETE FROM samples WHERE run_id NOT IN (SELECT id FROM runs);
DELETE FROM metrics WHERE run_id NOT IN (SELECT id FROM runs);
DELETE FROM task_results WHERE run_id NOT IN (SELECT id FROM runs);
DELETE FROM run_devices WHERE run_id NOT IN (SELECT id FROM runs);
ALTER TABLE task_results ADD COLUMN test_set_note TEXT NOT NULL DEFAULT '';
)sql";

// Version 5 records the benchmark protocol of each run (biomedq's own, or a published one such as
// chen2025) and how each task's metrics were computed, so a report never ranks runs of different
// protocols against each other; and each run's provenance (results.json "environment": biomedq and
// llama.cpp versions, hardware; when it finished) for the report's header. Runs stored before were
// biomedq's protocol; their provenance is unknown until imported again.
constexpr const char* kSchemaV5 = R"sql(
ALTER TABLE runs ADD COLUMN protocol TEXT NOT NULL DEFAULT 'biomedq';
ALTER TABLE runs ADD COLUMN environment TEXT NOT NULL DEFAULT '{}';
ALTER TABLE runs ADD COLUMN finished_at TEXT NOT NULL DEFAULT '';
ALTER TABLE task_results ADD COLUMN metric_definitions TEXT NOT NULL DEFAULT '{}';
)sql";

Status set_version(Database& db, int version) {
    BIOMEDQ_TRY(db.exec("DELETE FROM schema_version"));
    BIOMEDQ_ASSIGN(Statement insert, db.prepare("INSERT INTO schema_version(version) VALUES (?)"));
    return insert.bind(1, std::int64_t{version}).run();
}

// The stored version, 0 for an empty database. Every statement is finished before this returns: a
// statement left open keeps a read lock, and a connection that holds one while asking for the write
// lock is refused at once ("database is locked") instead of waiting in the busy handler, because
// SQLite sees a possible deadlock.
Result<int> stored_version(Database& db) {
    {
        BIOMEDQ_ASSIGN(
            Statement has_table,
            db.prepare(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_version'"));
        BIOMEDQ_TRY(has_table.step());
        if (has_table.column_int(0) == 0) return 0;
    }
    BIOMEDQ_ASSIGN(Statement version, db.prepare("SELECT max(version) FROM schema_version"));
    BIOMEDQ_TRY(version.step());
    return static_cast<int>(version.column_int(0));
}

Status newer_version_error(Database& db, int found) {
    return make_error(ErrorCode::kConflict,
                      db.path().string() + ": store schema version " + std::to_string(found) +
                          ", this biomedq reads version " + std::to_string(kStoreSchemaVersion));
}

// Creates or migrates under the write lock. The version is read again there: another process may
// have created or migrated the store since the first look (concurrent imports into a new store).
Status create_or_migrate(Database& db) {
    BIOMEDQ_ASSIGN(Transaction tx, Transaction::begin(db));
    BIOMEDQ_ASSIGN(const int found, stored_version(db));
    if (found == kStoreSchemaVersion) return tx.commit();
    if (found > kStoreSchemaVersion) return newer_version_error(db, found);
    // Migrations 1 -> 2 -> 3 and 4 -> 5 only add; 3 -> 4 rebuilds runs (see kSchemaV4).
    if (found == 0) BIOMEDQ_TRY(db.exec(kSchemaV1));
    if (found <= 1) BIOMEDQ_TRY(db.exec(kSchemaV2));
    if (found <= 2) BIOMEDQ_TRY(db.exec(kSchemaV3));
    if (found <= 3) BIOMEDQ_TRY(db.exec(kSchemaV4));
    BIOMEDQ_TRY(db.exec(kSchemaV5));
    {
        BIOMEDQ_ASSIGN(Statement check, db.prepare("PRAGMA foreign_key_check"));
        BIOMEDQ_ASSIGN(const bool violation, check.step());
        if (violation) {
            return make_error(ErrorCode::kConflict,
                              db.path().string() + ": migrating to store schema version " +
                                  std::to_string(kStoreSchemaVersion) +
                                  " left rows without their run (table " + check.column_text(0) +
                                  "); the store was not changed");
        }
    }
    BIOMEDQ_TRY(set_version(db, kStoreSchemaVersion));
    return tx.commit();
}

}  // namespace

Status ensure_schema(Database& db) {
    BIOMEDQ_ASSIGN(const int found, stored_version(db));
    if (found == kStoreSchemaVersion) return Status::success();
    if (found > kStoreSchemaVersion) return newer_version_error(db, found);
    // Rebuilding runs drops the old table: with foreign keys on, that would first delete every
    // task, metric and sample through ON DELETE CASCADE. The pragma only works outside a
    // transaction.
    BIOMEDQ_TRY(db.exec("PRAGMA foreign_keys = OFF"));
    const Status migrated = create_or_migrate(db);
    const Status restored = db.exec("PRAGMA foreign_keys = ON");
    if (!migrated.ok()) return migrated;
    return restored;
}

}  // namespace biomedq::store
