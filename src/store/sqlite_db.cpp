#include "store/sqlite_db.h"

namespace biomedq::store {
namespace {

Error sqlite_error(const std::string& context, int rc, const char* detail) {
    return make_error(ErrorCode::kIo, context + ": " + (detail ? detail : sqlite3_errstr(rc)));
}

}  // namespace

Statement& Statement::bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_.get(), i, v);
    return *this;
}
Statement& Statement::bind(int i, double v) {
    sqlite3_bind_double(stmt_.get(), i, v);
    return *this;
}
Statement& Statement::bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
}

Result<bool> Statement::step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return sqlite_error(context_, rc, sqlite3_errmsg(sqlite3_db_handle(stmt_.get())));
}

Status Statement::run() {
    BIOMEDQ_ASSIGN(bool row, step());
    (void)row;
    reset();
    return Status::success();
}

void Statement::reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
}

std::string Statement::column_text(int i) const {
    const auto* text = sqlite3_column_text(stmt_.get(), i);
    if (!text) return {};
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), i)));
}

Result<Database> Database::open(const std::filesystem::path& path) {
    sqlite3* raw = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
        std::string detail = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
        sqlite3_close_v2(raw);
        return make_error(ErrorCode::kIo, path.string() + ": cannot open database: " + detail);
    }
    Database db(path, raw);
    // A sweep writes while a report may read: wait for the lock instead of failing at once.
    sqlite3_busy_timeout(raw, 10000);
    BIOMEDQ_TRY(db.exec("PRAGMA foreign_keys = ON"));
    return db;
}

Status Database::exec(std::string_view sql) {
    char* message = nullptr;
    const std::string text(sql);
    const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        Error e = sqlite_error(path_.string() + ": " + text.substr(0, 60), rc, message);
        sqlite3_free(message);
        return e;
    }
    return Status::success();
}

Result<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    const std::string context = path_.string() + ": " + std::string(sql.substr(0, 60));
    if (rc != SQLITE_OK) return sqlite_error(context, rc, sqlite3_errmsg(db_.get()));
    return Statement(stmt, context);
}

Result<Transaction> Transaction::begin(Database& db) {
    BIOMEDQ_TRY(db.exec("BEGIN IMMEDIATE"));
    return Transaction(&db);
}

Transaction::~Transaction() {
    if (db_) (void)db_->exec("ROLLBACK");
}

Status Transaction::commit() {
    BIOMEDQ_TRY(db_->exec("COMMIT"));
    db_ = nullptr;
    return Status::success();
}

}  // namespace biomedq::store
