// ResultStore: writing and reading runs, tasks, metrics and samples (schema in store_schema.cpp).
#include <chrono>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <map>

#include "biomedq/store.h"
#include "runner/sample_record.h"
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

bool StoredRun::full_precision() const { return quant_type == "f32" || quant_type == "f16" || quant_type == "bf16"; }

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
        if (ec) return make_error(ErrorCode::kIo, path.parent_path().string() + ": cannot create: " + ec.message());
    }
    BIOMEDQ_ASSIGN(store::Database db, store::Database::open(path));
    BIOMEDQ_TRY(store::ensure_schema(db));
    return ResultStore(path, std::make_unique<Impl>(Impl{std::move(db)}));
}

namespace {

std::int64_t i64(std::uint64_t v) { return static_cast<std::int64_t>(v); }
std::uint64_t u64(std::int64_t v) { return static_cast<std::uint64_t>(v); }

std::string utc_now() {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

// {"<metric>": {"definition": ..., "published_name": ...}}: one column for both maps.
nlohmann::json metric_definitions_to_json(const StoredTask& t) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [name, definition] : t.metric_definitions) out[name]["definition"] = definition;
    for (const auto& [name, published] : t.published_metric_names) out[name]["published_name"] = published;
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

Status insert_task(store::Database& db, std::int64_t run_id, const StoredTask& t) {
    BIOMEDQ_ASSIGN(store::Statement task_stmt,
                   db.prepare("INSERT INTO task_results(run_id, task, kind, primary_metric, n_examples, n_selected, "
                              "invalid_rate, complete, label_set, negative_label, test_set_note, metric_definitions) "
                              "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"));
    BIOMEDQ_TRY(task_stmt.bind(1, run_id)
                    .bind(2, t.task)
                    .bind(3, t.kind)
                    .bind(4, t.primary_metric)
                    .bind(5, std::int64_t{t.n_examples})
                    .bind(6, std::int64_t{t.n_selected})
                    .bind(7, t.invalid_rate)
                    .bind(8, std::int64_t{t.complete ? 1 : 0})
                    .bind(9, nlohmann::json(t.metric_options.label_set).dump())
                    .bind(10, t.metric_options.negative_label)
                    .bind(11, t.test_set_note)
                    .bind(12, metric_definitions_to_json(t).dump())
                    .run());
    BIOMEDQ_ASSIGN(store::Statement metric_stmt,
                   db.prepare("INSERT INTO metrics(run_id, task, name, value, ci_low, ci_high) VALUES (?,?,?,?,?,?)"));
    for (const auto& m : t.metrics) {
        BIOMEDQ_TRY(metric_stmt.bind(1, run_id).bind(2, t.task).bind(3, m.name).bind(4, m.value).bind(5, m.ci_low)
                        .bind(6, m.ci_high).run());
    }
    BIOMEDQ_ASSIGN(store::Statement sample_stmt,
                   db.prepare("INSERT INTO samples(run_id, task, example_id, example_index, score, gold, parsed) "
                              "VALUES (?,?,?,?,?,?,?)"));
    for (const auto& s : t.samples) {
        BIOMEDQ_TRY(sample_stmt.bind(1, run_id).bind(2, t.task).bind(3, s.example_id).bind(4, std::int64_t{s.index})
                        .bind(5, s.score).bind(6, runner::gold_to_json(s.gold).dump())
                        .bind(7, runner::prediction_to_json(s.parsed).dump()).run());
    }
    return Status::success();
}

constexpr const char* kRunColumns =
    "run_dir, model_name, model_path, model_sha256, quant_type, quant_label, bits_per_weight, n_params, "
    "bytes_file, prompt, subset, limit_examples, seed, ctx, config_hash, backend, bytes_weights, bytes_kv, "
    "bytes_compute, bytes_total_allocated, bytes_peak, host_peak_rss_bytes, examples_per_s, "
    "prompt_tokens_per_s, generated_tokens_per_s, imported_at, kv_type, content_sha256, protocol, environment, "
    "finished_at";

Result<nlohmann::json> parse_stored_json(const std::string& text, const std::string& where) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return make_error(ErrorCode::kParse, where + ": stored JSON is not valid");
    return j;
}

}  // namespace

Result<PutRunOutcome> ResultStore::put_run(const StoredRun& run) {
    auto& db = impl_->db;
    const std::string content = store::run_content_sha256(run);
    BIOMEDQ_ASSIGN(store::Transaction tx, store::Transaction::begin(db));
    PutRunOutcome outcome;
    {
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
    }
    if (outcome.change == PutRunOutcome::Change::kUnchanged) {
        outcome.id = outcome.previous_id;
        BIOMEDQ_TRY(tx.commit());
        return outcome;
    }
    // Replacing = deleting the old run; its tasks, metrics and samples go with it (ON DELETE CASCADE).
    BIOMEDQ_ASSIGN(store::Statement del, db.prepare("DELETE FROM runs WHERE config_hash = ? AND model_sha256 = ?"));
    BIOMEDQ_TRY(del.bind(1, run.config_hash).bind(2, run.model_sha256).run());
    BIOMEDQ_ASSIGN(store::Statement ins,
                   db.prepare(fmt::format("INSERT INTO runs({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                          kRunColumns)));
    ins.bind(1, run.run_dir).bind(2, run.model_name).bind(3, run.model_path).bind(4, run.model_sha256)
        .bind(5, run.quant_type).bind(6, run.quant_label).bind(7, run.bits_per_weight).bind(8, i64(run.n_params))
        .bind(9, i64(run.bytes_file)).bind(10, run.prompt).bind(11, run.subset).bind(12, std::int64_t{run.limit})
        .bind(13, i64(run.seed)).bind(14, std::int64_t{run.ctx}).bind(15, run.config_hash).bind(16, run.backend)
        .bind(17, i64(run.bytes_weights)).bind(18, i64(run.bytes_kv)).bind(19, i64(run.bytes_compute))
        .bind(20, i64(run.bytes_total_allocated)).bind(21, i64(run.bytes_peak)).bind(22, i64(run.host_peak_rss_bytes))
        .bind(23, run.examples_per_s).bind(24, run.prompt_tokens_per_s).bind(25, run.generated_tokens_per_s)
        .bind(26, run.imported_at.empty() ? utc_now() : run.imported_at).bind(27, run.kv_type).bind(28, content)
        .bind(29, run.protocol).bind(30, run.environment.dump()).bind(31, run.finished_at);
    BIOMEDQ_TRY(ins.run());
    const std::int64_t id = db.last_insert_id();
    for (const auto& t : run.tasks) BIOMEDQ_TRY(insert_task(db, id, t));
    BIOMEDQ_ASSIGN(store::Statement dev,
                   db.prepare("INSERT INTO run_devices(run_id, device, bytes_weights, bytes_kv, bytes_compute, "
                              "bytes_output, bytes_peak_used, bytes_total) VALUES (?,?,?,?,?,?,?,?)"));
    for (const auto& d : run.devices) {
        BIOMEDQ_TRY(dev.bind(1, id).bind(2, d.device).bind(3, i64(d.bytes_weights)).bind(4, i64(d.bytes_kv))
                        .bind(5, i64(d.bytes_compute)).bind(6, i64(d.bytes_output)).bind(7, i64(d.bytes_peak_used))
                        .bind(8, i64(d.bytes_total)).run());
    }
    BIOMEDQ_TRY(tx.commit());
    outcome.id = id;
    return outcome;
}

Result<int> ResultStore::count_runs() const {
    BIOMEDQ_ASSIGN(store::Statement s, impl_->db.prepare("SELECT count(*) FROM runs"));
    BIOMEDQ_TRY(s.step());
    return static_cast<int>(s.column_int(0));
}

constexpr const char* kFidelityColumns =
    "source_sha256, model_sha256, quant_type, text_sha256, text_description, ctx, n_tokens, n_chunks, kl_mean, "
    "kl_mean_se, kl_median, kl_p99, kl_max, top1_agreement, top1_se, ppl_ratio, ppl_ratio_se, measured_at";

Status ResultStore::put_fidelity(const QuantFidelity& f) {
    BIOMEDQ_ASSIGN(store::Statement ins,
                   impl_->db.prepare(fmt::format("INSERT OR REPLACE INTO fidelity({}) VALUES "
                                                 "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                                 kFidelityColumns)));
    ins.bind(1, f.source_sha256).bind(2, f.model_sha256).bind(3, f.quant_type).bind(4, f.text_sha256)
        .bind(5, f.text_description).bind(6, std::int64_t{f.ctx}).bind(7, i64(f.n_tokens)).bind(8, i64(f.n_chunks))
        .bind(9, f.kl_mean).bind(10, f.kl_mean_se).bind(11, f.kl_median).bind(12, f.kl_p99).bind(13, f.kl_max)
        .bind(14, f.top1_agreement).bind(15, f.top1_se).bind(16, f.ppl_ratio).bind(17, f.ppl_ratio_se)
        .bind(18, f.measured_at.empty() ? utc_now() : f.measured_at);
    return ins.run();
}

Result<std::vector<QuantFidelity>> ResultStore::load_fidelity() const {
    BIOMEDQ_ASSIGN(store::Statement s,
                   impl_->db.prepare(fmt::format("SELECT {} FROM fidelity ORDER BY source_sha256, quant_type, text_sha256",
                                                 kFidelityColumns)));
    std::vector<QuantFidelity> out;
    while (true) {
        BIOMEDQ_ASSIGN(bool row, s.step());
        if (!row) break;
        QuantFidelity f;
        f.source_sha256 = s.column_text(0);
        f.model_sha256 = s.column_text(1);
        f.quant_type = s.column_text(2);
        f.text_sha256 = s.column_text(3);
        f.text_description = s.column_text(4);
        f.ctx = static_cast<int>(s.column_int(5));
        f.n_tokens = u64(s.column_int(6));
        f.n_chunks = u64(s.column_int(7));
        f.kl_mean = s.column_double(8);
        f.kl_mean_se = s.column_double(9);
        f.kl_median = s.column_double(10);
        f.kl_p99 = s.column_double(11);
        f.kl_max = s.column_double(12);
        f.top1_agreement = s.column_double(13);
        f.top1_se = s.column_double(14);
        f.ppl_ratio = s.column_double(15);
        f.ppl_ratio_se = s.column_double(16);
        f.measured_at = s.column_text(17);
        out.push_back(std::move(f));
    }
    return out;
}

Result<std::vector<StoredRun>> ResultStore::load_runs(bool with_samples) const {
    auto& db = impl_->db;
    BIOMEDQ_ASSIGN(store::Statement runs_stmt,
                   db.prepare(fmt::format("SELECT id, {} FROM runs ORDER BY model_name, bits_per_weight DESC, "
                                          "quant_type, prompt, run_dir",
                                          kRunColumns)));
    std::vector<StoredRun> runs;
    std::map<std::int64_t, std::size_t> by_id;
    while (true) {
        BIOMEDQ_ASSIGN(bool row, runs_stmt.step());
        if (!row) break;
        StoredRun r;
        const auto& s = runs_stmt;
        r.id = s.column_int(0);
        r.run_dir = s.column_text(1);
        r.model_name = s.column_text(2);
        r.model_path = s.column_text(3);
        r.model_sha256 = s.column_text(4);
        r.quant_type = s.column_text(5);
        r.quant_label = s.column_text(6);
        r.bits_per_weight = s.column_double(7);
        r.n_params = u64(s.column_int(8));
        r.bytes_file = u64(s.column_int(9));
        r.prompt = s.column_text(10);
        r.subset = s.column_text(11);
        r.limit = static_cast<int>(s.column_int(12));
        r.seed = u64(s.column_int(13));
        r.ctx = static_cast<int>(s.column_int(14));
        r.config_hash = s.column_text(15);
        r.backend = s.column_text(16);
        r.bytes_weights = u64(s.column_int(17));
        r.bytes_kv = u64(s.column_int(18));
        r.bytes_compute = u64(s.column_int(19));
        r.bytes_total_allocated = u64(s.column_int(20));
        r.bytes_peak = u64(s.column_int(21));
        r.host_peak_rss_bytes = u64(s.column_int(22));
        r.examples_per_s = s.column_double(23);
        r.prompt_tokens_per_s = s.column_double(24);
        r.generated_tokens_per_s = s.column_double(25);
        r.imported_at = s.column_text(26);
        r.kv_type = s.column_text(27);
        r.content_sha256 = s.column_text(28);
        r.protocol = s.column_text(29);
        BIOMEDQ_ASSIGN(r.environment, parse_stored_json(s.column_text(30), path_.string() + ": runs " + r.run_dir + " environment"));
        r.finished_at = s.column_text(31);
        by_id[r.id] = runs.size();
        runs.push_back(std::move(r));
    }
    // "host" first, then devices by name.
    BIOMEDQ_ASSIGN(store::Statement devices_stmt,
                   db.prepare("SELECT run_id, device, bytes_weights, bytes_kv, bytes_compute, bytes_output, "
                              "bytes_peak_used, bytes_total FROM run_devices ORDER BY run_id, device != 'host', device"));
    while (true) {
        BIOMEDQ_ASSIGN(bool row, devices_stmt.step());
        if (!row) break;
        const auto& s = devices_stmt;
        auto found = by_id.find(s.column_int(0));
        if (found == by_id.end()) continue;
        runs[found->second].devices.push_back(StoredDeviceMemory{s.column_text(1), u64(s.column_int(2)),
                                                                 u64(s.column_int(3)), u64(s.column_int(4)),
                                                                 u64(s.column_int(5)), u64(s.column_int(6)),
                                                                 u64(s.column_int(7))});
    }
    BIOMEDQ_ASSIGN(store::Statement tasks_stmt,
                   db.prepare("SELECT run_id, task, kind, primary_metric, n_examples, n_selected, invalid_rate, complete, "
                              "label_set, negative_label, test_set_note, metric_definitions FROM task_results ORDER BY run_id, task"));
    while (true) {
        BIOMEDQ_ASSIGN(bool row, tasks_stmt.step());
        if (!row) break;
        StoredTask t;
        const std::int64_t run_id = tasks_stmt.column_int(0);
        t.task = tasks_stmt.column_text(1);
        t.kind = tasks_stmt.column_text(2);
        t.primary_metric = tasks_stmt.column_text(3);
        t.n_examples = static_cast<int>(tasks_stmt.column_int(4));
        t.n_selected = static_cast<int>(tasks_stmt.column_int(5));
        t.invalid_rate = tasks_stmt.column_double(6);
        t.complete = tasks_stmt.column_int(7) != 0;
        const std::string where = path_.string() + ": task_results " + t.task;
        BIOMEDQ_ASSIGN(auto labels, parse_stored_json(tasks_stmt.column_text(8), where + " label_set"));
        if (labels.is_array()) {
            for (const auto& l : labels) {
                if (l.is_string()) t.metric_options.label_set.push_back(l.get<std::string>());
            }
        }
        t.metric_options.negative_label = tasks_stmt.column_text(9);
        t.test_set_note = tasks_stmt.column_text(10);
        BIOMEDQ_ASSIGN(auto definitions, parse_stored_json(tasks_stmt.column_text(11), where + " metric_definitions"));
        metric_definitions_from_json(definitions, t);
        runs[by_id.at(run_id)].tasks.push_back(std::move(t));
    }
    auto find_task = [&](std::int64_t run_id, const std::string& task) -> StoredTask* {
        auto& run = runs[by_id.at(run_id)];
        for (auto& t : run.tasks) {
            if (t.task == task) return &t;
        }
        return nullptr;
    };
    BIOMEDQ_ASSIGN(store::Statement metrics_stmt,
                   db.prepare("SELECT run_id, task, name, value, ci_low, ci_high FROM metrics ORDER BY run_id, task, rowid"));
    while (true) {
        BIOMEDQ_ASSIGN(bool row, metrics_stmt.step());
        if (!row) break;
        if (StoredTask* t = find_task(metrics_stmt.column_int(0), metrics_stmt.column_text(1))) {
            t->metrics.push_back({metrics_stmt.column_text(2), metrics_stmt.column_double(3),
                                  metrics_stmt.column_double(4), metrics_stmt.column_double(5)});
        }
    }
    if (with_samples) {
        BIOMEDQ_ASSIGN(store::Statement samples_stmt,
                       db.prepare("SELECT run_id, task, example_id, example_index, score, gold, parsed FROM samples "
                                  "ORDER BY run_id, task, example_index"));
        while (true) {
            BIOMEDQ_ASSIGN(bool row, samples_stmt.step());
            if (!row) break;
            StoredTask* t = find_task(samples_stmt.column_int(0), samples_stmt.column_text(1));
            if (!t) continue;
            StoredSample s;
            s.example_id = samples_stmt.column_text(2);
            s.index = static_cast<int>(samples_stmt.column_int(3));
            s.score = samples_stmt.column_double(4);
            const std::string where = path_.string() + ": sample " + t->task + "/" + s.example_id;
            BIOMEDQ_ASSIGN(auto gold_json, parse_stored_json(samples_stmt.column_text(5), where + " gold"));
            BIOMEDQ_ASSIGN(auto parsed_json, parse_stored_json(samples_stmt.column_text(6), where + " parsed"));
            auto gold = runner::gold_from_json(gold_json);
            if (!gold.ok()) return gold.error().with_context(where);
            auto parsed = runner::prediction_from_json(parsed_json);
            if (!parsed.ok()) return parsed.error().with_context(where);
            s.gold = std::move(gold).value();
            s.parsed = std::move(parsed).value();
            t->samples.push_back(std::move(s));
        }
    }
    return runs;
}

}  // namespace biomedq
