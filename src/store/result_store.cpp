// ResultStore: writing and reading runs, tasks, metrics and samples (schema in store_schema.cpp).
#include <map>

#include "biomedq/record.h"
#include "biomedq/store.h"
#include "core/utc_time.h"
#include "store/column_table.h"
#include "store/run_identity.h"
#include "store/sqlite_db.h"
#include "store/store_schema.h"

namespace biomedq {

struct ResultStore::Impl {
    store::Database db;
};

const MetricValue* StoredTask::metric(const std::string& name) const {
    for (const auto& m : metrics) {
        if (m.name == name) return &m;
    }
    return nullptr;
}

bool StoredRun::full_precision() const {
    return quant_type == "f32" || quant_type == "f16" || quant_type == "bf16";
}

const StoredTask* StoredRun::task(const std::string& name) const {
    for (const auto& t : tasks) {
        if (t.task == name) return &t;
    }
    return nullptr;
}

ResultStore::ResultStore(std::filesystem::path path, std::unique_ptr<Impl> impl)
    : path_(std::move(path)), impl_(std::move(impl)) {}
ResultStore::ResultStore(ResultStore&&) noexcept = default;
ResultStore& ResultStore::operator=(ResultStore&&) noexcept = default;
ResultStore::~ResultStore() = default;

Result<ResultStore> ResultStore::open(const std::filesystem::path& path) {
    if (path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec)
            return make_error(ErrorCode::kIo,
                              path.parent_path().string() + ": cannot create: " + ec.message());
    }
    BIOMEDQ_ASSIGN(store::Database db, store::Database::open(path));
    BIOMEDQ_TRY(store::ensure_schema(db));
    return ResultStore(path, std::make_unique<Impl>(Impl{std::move(db)}));
}

namespace {

using store::column;
using store::Column;

// ---- the column tables: the one place each stored field is named ----

const std::vector<Column<StoredRun>>& run_columns() {
    static const std::vector<Column<StoredRun>> columns = {
        column("run_dir", &StoredRun::run_dir),
        column("model_name", &StoredRun::model_name),
        column("model_path", &StoredRun::model_path),
        column("model_sha256", &StoredRun::model_sha256),
        column("quant_type", &StoredRun::quant_type),
        column("quant_label", &StoredRun::quant_label),
        column("bits_per_weight", &StoredRun::bits_per_weight),
        column("n_params", &StoredRun::n_params),
        column("bytes_file", &StoredRun::bytes_file),
        column("prompt", &StoredRun::prompt),
        column("subset", &StoredRun::subset),
        column("limit_examples", &StoredRun::limit),
        column("seed", &StoredRun::seed),
        column("ctx", &StoredRun::ctx),
        column("config_hash", &StoredRun::config_hash),
        column("backend", &StoredRun::backend),
        column("bytes_weights", &StoredRun::bytes_weights),
        column("bytes_kv", &StoredRun::bytes_kv),
        column("bytes_compute", &StoredRun::bytes_compute),
        column("bytes_total_allocated", &StoredRun::bytes_total_allocated),
        column("bytes_peak", &StoredRun::bytes_peak),
        column("host_peak_rss_bytes", &StoredRun::host_peak_rss_bytes),
        column("examples_per_s", &StoredRun::examples_per_s),
        column("prompt_tokens_per_s", &StoredRun::prompt_tokens_per_s),
        column("generated_tokens_per_s", &StoredRun::generated_tokens_per_s),
        column("imported_at", &StoredRun::imported_at),
        column("kv_type", &StoredRun::kv_type),
        column("content_sha256", &StoredRun::content_sha256),
        column("protocol", &StoredRun::protocol),
        column("environment", &StoredRun::environment),
        column("finished_at", &StoredRun::finished_at),
    };
    return columns;
}

const std::vector<Column<StoredDeviceMemory>>& device_columns() {
    static const std::vector<Column<StoredDeviceMemory>> columns = {
        column("device", &StoredDeviceMemory::device),
        column("bytes_weights", &StoredDeviceMemory::bytes_weights),
        column("bytes_kv", &StoredDeviceMemory::bytes_kv),
        column("bytes_compute", &StoredDeviceMemory::bytes_compute),
        column("bytes_output", &StoredDeviceMemory::bytes_output),
        column("bytes_peak_used", &StoredDeviceMemory::bytes_peak_used),
        column("bytes_total", &StoredDeviceMemory::bytes_total),
    };
    return columns;
}

// {"<metric>": {"definition": ..., "published_name": ...}}: one column for both maps.
nlohmann::json metric_definitions_to_json(const StoredTask& t) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [name, definition] : t.metric_definitions)
        out[name]["definition"] = definition;
    for (const auto& [name, published] : t.published_metric_names)
        out[name]["published_name"] = published;
    return out;
}

void metric_definitions_from_json(const nlohmann::json& j, StoredTask& t) {
    if (!j.is_object()) return;
    for (const auto& [name, entry] : j.items()) {
        if (!entry.is_object()) continue;
        if (entry.contains("definition") && entry["definition"].is_string()) {
            t.metric_definitions[name] = entry["definition"].get<std::string>();
        }
        if (entry.contains("published_name") && entry["published_name"].is_string()) {
            t.published_metric_names[name] = entry["published_name"].get<std::string>();
        }
    }
}

// A column stored as JSON text, converted by the given functions.
template <typename Row>
Column<Row> json_column(std::string name, std::function<nlohmann::json(const Row&)> to,
                        std::function<Status(const nlohmann::json&, Row&)> from) {
    return {std::move(name),
            [to](store::Statement& s, int i, const Row& row) { s.bind(i, to(row).dump()); },
            [from](const store::Statement& s, int i, Row& row) -> Status {
                nlohmann::json j;
                BIOMEDQ_TRY(store::from_sql(s, i, j));
                return from(j, row);
            }};
}

const std::vector<Column<StoredTask>>& task_columns() {
    static const std::vector<Column<StoredTask>> columns = {
        column("task", &StoredTask::task),
        column("kind", &StoredTask::kind),
        column("primary_metric", &StoredTask::primary_metric),
        column("n_examples", &StoredTask::n_examples),
        column("n_selected", &StoredTask::n_selected),
        column("invalid_rate", &StoredTask::invalid_rate),
        column("complete", &StoredTask::complete),
        json_column<StoredTask>(
            "label_set",
            [](const StoredTask& t) { return nlohmann::json(t.metric_options.label_set); },
            [](const nlohmann::json& j, StoredTask& t) {
                for (const auto& l : j.is_array() ? j : nlohmann::json::array()) {
                    if (l.is_string()) t.metric_options.label_set.push_back(l.get<std::string>());
                }
                return Status::success();
            }),
        {"negative_label",
         [](store::Statement& s, int i, const StoredTask& t) {
             s.bind(i, t.metric_options.negative_label);
         },
         [](const store::Statement& s, int i, StoredTask& t) {
             return store::from_sql(s, i, t.metric_options.negative_label);
         }},
        column("test_set_note", &StoredTask::test_set_note),
        json_column<StoredTask>("metric_definitions", metric_definitions_to_json,
                                [](const nlohmann::json& j, StoredTask& t) {
                                    metric_definitions_from_json(j, t);
                                    return Status::success();
                                }),
    };
    return columns;
}

const std::vector<Column<MetricValue>>& metric_columns() {
    static const std::vector<Column<MetricValue>> columns = {
        column("name", &MetricValue::name),
        column("value", &MetricValue::value),
        column("ci_low", &MetricValue::ci_low),
        column("ci_high", &MetricValue::ci_high),
    };
    return columns;
}

const std::vector<Column<StoredSample>>& sample_columns() {
    static const std::vector<Column<StoredSample>> columns = {
        column("example_id", &StoredSample::example_id),
        column("example_index", &StoredSample::index),
        column("score", &StoredSample::score),
        json_column<StoredSample>(
            "gold", [](const StoredSample& s) { return to_json(s.gold); },
            [](const nlohmann::json& j, StoredSample& s) -> Status {
                BIOMEDQ_ASSIGN(s.gold, gold_from_json(j));
                return Status::success();
            }),
        json_column<StoredSample>(
            "parsed", [](const StoredSample& s) { return to_json(s.parsed); },
            [](const nlohmann::json& j, StoredSample& s) -> Status {
                BIOMEDQ_ASSIGN(s.parsed, prediction_from_json(j));
                return Status::success();
            }),
    };
    return columns;
}

const std::vector<Column<QuantFidelity>>& fidelity_columns() {
    static const std::vector<Column<QuantFidelity>> columns = {
        column("source_sha256", &QuantFidelity::source_sha256),
        column("model_sha256", &QuantFidelity::model_sha256),
        column("quant_type", &QuantFidelity::quant_type),
        column("text_sha256", &QuantFidelity::text_sha256),
        column("text_description", &QuantFidelity::text_description),
        column("ctx", &QuantFidelity::ctx),
        column("n_tokens", &QuantFidelity::n_tokens),
        column("n_chunks", &QuantFidelity::n_chunks),
        column("kl_mean", &QuantFidelity::kl_mean),
        column("kl_mean_se", &QuantFidelity::kl_mean_se),
        column("kl_median", &QuantFidelity::kl_median),
        column("kl_p99", &QuantFidelity::kl_p99),
        column("kl_max", &QuantFidelity::kl_max),
        column("top1_agreement", &QuantFidelity::top1_agreement),
        column("top1_se", &QuantFidelity::top1_se),
        column("ppl_ratio", &QuantFidelity::ppl_ratio),
        column("ppl_ratio_se", &QuantFidelity::ppl_ratio_se),
        column("measured_at", &QuantFidelity::measured_at),
    };
    return columns;
}

// Inserts `rows` into `table` after the key columns (run_id[, task]).
template <typename Row>
Status insert_rows(store::Database& db, const std::string& table,
                   const std::vector<Column<Row>>& columns, const std::vector<Row>& rows,
                   std::int64_t run_id, const std::string* task = nullptr) {
    const std::vector<std::string> keys =
        task ? std::vector<std::string>{"run_id", "task"} : std::vector<std::string>{"run_id"};
    BIOMEDQ_ASSIGN(store::Statement ins,
                   db.prepare(store::insert_sql("INSERT INTO " + table, keys, columns)));
    for (const auto& row : rows) {
        ins.bind(1, run_id);
        if (task) ins.bind(2, *task);
        store::bind_columns(ins, static_cast<int>(keys.size()) + 1, columns, row);
        BIOMEDQ_TRY(ins.run());
    }
    return Status::success();
}

// Reads every row of `table` (key columns first), handing each to `place` with its keys.
template <typename Row>
Status read_rows(store::Database& db, const std::string& table,
                 const std::vector<Column<Row>>& columns, bool with_task, const std::string& order,
                 const std::function<void(std::int64_t, const std::string&, Row&&)>& place,
                 const std::string& where) {
    const std::string keys = with_task ? "run_id, task" : "run_id";
    BIOMEDQ_ASSIGN(store::Statement s,
                   db.prepare("SELECT " + keys + ", " + store::column_list(columns) + " FROM " +
                              table + " ORDER BY " + order));
    const int first = with_task ? 2 : 1;
    while (true) {
        BIOMEDQ_ASSIGN(bool row, s.step());
        if (!row) break;
        Row value;
        Status read = store::read_columns(s, first, columns, value);
        if (!read.ok()) return read.error().with_context(where + ": " + table);
        place(s.column_int(0), with_task ? s.column_text(1) : std::string(), std::move(value));
    }
    return Status::success();
}

Result<PutRunOutcome> find_stored(store::Database& db, const StoredRun& run,
                                  const std::string& content) {
    PutRunOutcome outcome;
    BIOMEDQ_ASSIGN(store::Statement find, db.prepare("SELECT id, run_dir, content_sha256 FROM runs "
                                                     "WHERE config_hash = ? AND model_sha256 = ?"));
    find.bind(1, run.config_hash).bind(2, run.model_sha256);
    BIOMEDQ_ASSIGN(const bool found, find.step());
    if (found) {
        outcome.previous_id = find.column_int(0);
        outcome.previous_run_dir = find.column_text(1);
        outcome.change = find.column_text(2) == content ? PutRunOutcome::Change::kUnchanged
                                                        : PutRunOutcome::Change::kReplaced;
    }
    return outcome;
}

Result<std::int64_t> insert_run(store::Database& db, const StoredRun& run) {
    BIOMEDQ_ASSIGN(store::Statement ins,
                   db.prepare(store::insert_sql("INSERT INTO runs", {}, run_columns())));
    store::bind_columns(ins, 1, run_columns(), run);
    BIOMEDQ_TRY(ins.run());
    const std::int64_t id = db.last_insert_id();
    // One prepared statement for every task row; a task is not copied (it holds its samples).
    BIOMEDQ_ASSIGN(
        store::Statement task_ins,
        db.prepare(store::insert_sql("INSERT INTO task_results", {"run_id"}, task_columns())));
    for (const auto& t : run.tasks) {
        task_ins.bind(1, id);
        store::bind_columns(task_ins, 2, task_columns(), t);
        BIOMEDQ_TRY(task_ins.run());
        BIOMEDQ_TRY(insert_rows(db, "metrics", metric_columns(), t.metrics, id, &t.task));
        BIOMEDQ_TRY(insert_rows(db, "samples", sample_columns(), t.samples, id, &t.task));
    }
    BIOMEDQ_TRY(insert_rows(db, "run_devices", device_columns(), run.devices, id));
    return id;
}

}  // namespace

Result<PutRunOutcome> ResultStore::put_run(const StoredRun& given) {
    auto& db = impl_->db;
    StoredRun run = given;
    run.content_sha256 = store::run_content_sha256(given);
    if (run.imported_at.empty()) run.imported_at = utc_timestamp_now();
    BIOMEDQ_ASSIGN(store::Transaction tx, store::Transaction::begin(db));
    BIOMEDQ_ASSIGN(PutRunOutcome outcome, find_stored(db, run, run.content_sha256));
    if (outcome.change == PutRunOutcome::Change::kUnchanged) {
        outcome.id = outcome.previous_id;
        BIOMEDQ_TRY(tx.commit());
        return outcome;
    }
    // Replacing = deleting the old run; its tasks, metrics and samples go with it (ON DELETE
    // CASCADE).
    BIOMEDQ_ASSIGN(store::Statement del,
                   db.prepare("DELETE FROM runs WHERE config_hash = ? AND model_sha256 = ?"));
    BIOMEDQ_TRY(del.bind(1, run.config_hash).bind(2, run.model_sha256).run());
    BIOMEDQ_ASSIGN(outcome.id, insert_run(db, run));
    BIOMEDQ_TRY(tx.commit());
    return outcome;
}

Result<int> ResultStore::count_runs() const {
    BIOMEDQ_ASSIGN(store::Statement s, impl_->db.prepare("SELECT count(*) FROM runs"));
    BIOMEDQ_TRY(s.step());
    return static_cast<int>(s.column_int(0));
}

Status ResultStore::put_fidelity(const QuantFidelity& given) {
    QuantFidelity f = given;
    if (f.measured_at.empty()) f.measured_at = utc_timestamp_now();
    BIOMEDQ_ASSIGN(store::Statement ins,
                   impl_->db.prepare(store::insert_sql("INSERT OR REPLACE INTO fidelity", {},
                                                       fidelity_columns())));
    store::bind_columns(ins, 1, fidelity_columns(), f);
    return ins.run();
}

Result<std::vector<QuantFidelity>> ResultStore::load_fidelity() const {
    BIOMEDQ_ASSIGN(store::Statement s,
                   impl_->db.prepare("SELECT " + store::column_list(fidelity_columns()) +
                                     " FROM fidelity ORDER BY source_sha256, quant_type, "
                                     "text_sha256"));
    std::vector<QuantFidelity> out;
    while (true) {
        BIOMEDQ_ASSIGN(bool row, s.step());
        if (!row) break;
        QuantFidelity f;
        BIOMEDQ_TRY(store::read_columns(s, 0, fidelity_columns(), f));
        out.push_back(std::move(f));
    }
    return out;
}

namespace {

Result<std::vector<StoredRun>> read_runs(store::Database& db,
                                         std::map<std::int64_t, std::size_t>& by_id,
                                         const std::string& where) {
    BIOMEDQ_ASSIGN(store::Statement s,
                   db.prepare("SELECT id, " + store::column_list(run_columns()) +
                              " FROM runs ORDER BY model_name, bits_per_weight DESC, "
                              "quant_type, prompt, run_dir"));
    std::vector<StoredRun> runs;
    while (true) {
        BIOMEDQ_ASSIGN(bool row, s.step());
        if (!row) break;
        StoredRun r;
        r.id = s.column_int(0);
        Status read = store::read_columns(s, 1, run_columns(), r);
        if (!read.ok()) return read.error().with_context(where + ": runs " + s.column_text(1));
        by_id[r.id] = runs.size();
        runs.push_back(std::move(r));
    }
    return runs;
}

StoredTask* find_task(std::vector<StoredRun>& runs,
                      const std::map<std::int64_t, std::size_t>& by_id, std::int64_t run_id,
                      const std::string& task) {
    const auto run = by_id.find(run_id);
    if (run == by_id.end()) return nullptr;
    for (auto& t : runs[run->second].tasks) {
        if (t.task == task) return &t;
    }
    return nullptr;
}

}  // namespace

Result<std::vector<StoredRun>> ResultStore::load_runs(bool with_samples) const {
    auto& db = impl_->db;
    const std::string where = path_.string();
    std::map<std::int64_t, std::size_t> by_id;
    BIOMEDQ_ASSIGN(std::vector<StoredRun> runs, read_runs(db, by_id, where));
    // "host" first, then devices by name.
    BIOMEDQ_TRY(read_rows<StoredDeviceMemory>(
        db, "run_devices", device_columns(), false, "run_id, device != 'host', device",
        [&](std::int64_t id, const std::string&, StoredDeviceMemory&& d) {
            if (auto it = by_id.find(id); it != by_id.end())
                runs[it->second].devices.push_back(std::move(d));
        },
        where));
    BIOMEDQ_TRY(read_rows<StoredTask>(
        db, "task_results", task_columns(), false, "run_id, task",
        [&](std::int64_t id, const std::string&, StoredTask&& t) {
            if (auto it = by_id.find(id); it != by_id.end())
                runs[it->second].tasks.push_back(std::move(t));
        },
        where));
    BIOMEDQ_TRY(read_rows<MetricValue>(
        db, "metrics", metric_columns(), true, "run_id, task, rowid",
        [&](std::int64_t id, const std::string& task, MetricValue&& m) {
            if (StoredTask* t = find_task(runs, by_id, id, task))
                t->metrics.push_back(std::move(m));
        },
        where));
    if (!with_samples) return runs;
    BIOMEDQ_TRY(read_rows<StoredSample>(
        db, "samples", sample_columns(), true, "run_id, task, example_index",
        [&](std::int64_t id, const std::string& task, StoredSample&& s) {
            if (StoredTask* t = find_task(runs, by_id, id, task))
                t->samples.push_back(std::move(s));
        },
        where));
    return runs;
}

}  // namespace biomedq
