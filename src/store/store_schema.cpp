#include "store/store_schema.h"

#include <string>

#include "biomedq/store.h"

namespace biomedq::store {
namespace {

// Version 1 (kept as written: version 2 and later only add). Per-example rows (samples) carry gold and parsed answers as JSON in the shape of
// samples.jsonl, so any metric can be recomputed and paired across runs from the store alone.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    run_dir TEXT NOT NULL UNIQUE,
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
    imported_at TEXT NOT NULL
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
// per run, because every prompt's run of that file shares it. Runs find theirs by runs.model_sha256.
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

Status set_version(Database& db, int version) {
    BIOMEDQ_TRY(db.exec("DELETE FROM schema_version"));
    BIOMEDQ_ASSIGN(Statement insert, db.prepare("INSERT INTO schema_version(version) VALUES (?)"));
    return insert.bind(1, std::int64_t{version}).run();
}

}  // namespace

Status ensure_schema(Database& db) {
    BIOMEDQ_ASSIGN(Statement has_table,
                   db.prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_version'"));
    BIOMEDQ_TRY(has_table.step());
    if (has_table.column_int(0) == 0) {
        BIOMEDQ_ASSIGN(Transaction tx, Transaction::begin(db));
        BIOMEDQ_TRY(db.exec(kSchemaV1));
        BIOMEDQ_TRY(db.exec(kSchemaV2));
        BIOMEDQ_TRY(db.exec(kSchemaV3));
        BIOMEDQ_TRY(set_version(db, kStoreSchemaVersion));
        return tx.commit();
    }
    BIOMEDQ_ASSIGN(Statement version, db.prepare("SELECT max(version) FROM schema_version"));
    BIOMEDQ_TRY(version.step());
    const auto found = version.column_int(0);
    if (found == 1 || found == 2) {
        // Migrations 1 -> 2 -> 3: only new tables; existing runs are untouched.
        BIOMEDQ_ASSIGN(Transaction tx, Transaction::begin(db));
        if (found == 1) BIOMEDQ_TRY(db.exec(kSchemaV2));
        BIOMEDQ_TRY(db.exec(kSchemaV3));
        BIOMEDQ_TRY(set_version(db, kStoreSchemaVersion));
        return tx.commit();
    }
    if (found != kStoreSchemaVersion) {
        return make_error(ErrorCode::kConflict,
                          db.path().string() + ": store schema version " + std::to_string(found) +
                              ", this biomedq reads version " + std::to_string(kStoreSchemaVersion));
    }
    return Status::success();
}

}  // namespace biomedq::store
