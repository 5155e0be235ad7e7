// A small RAII layer over the sqlite3 C API: one connection, prepared statements with typed binds
// and column reads, and errors as Status values naming the database file and the SQL that failed.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "biomedq/result.h"

namespace biomedq::store {

class Statement {
public:
    Statement(sqlite3_stmt* stmt, std::string context)
        : stmt_(stmt), context_(std::move(context)) {}
    Statement(Statement&&) noexcept = default;
    Statement& operator=(Statement&&) noexcept = default;

    // Binds are 1-based like sqlite3_bind_*; each returns *this so calls chain.
    Statement& bind(int i, std::int64_t v);
    Statement& bind(int i, double v);
    Statement& bind(int i, std::string_view v);

    // Steps once: true when a row is available, false when done.
    Result<bool> step();
    // Steps to completion (INSERT/UPDATE/DELETE), then resets for reuse.
    Status run();
    void reset();

    std::int64_t column_int(int i) const { return sqlite3_column_int64(stmt_.get(), i); }
    double column_double(int i) const { return sqlite3_column_double(stmt_.get(), i); }
    std::string column_text(int i) const;

private:
    struct Finalize {
        void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
    };
    std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
    std::string context_;
};

class Database {
public:
    // Opens (creating) the file with foreign keys on. Errors: kIo naming the file.
    static Result<Database> open(const std::filesystem::path& path);

    Status exec(std::string_view sql);
    Result<Statement> prepare(std::string_view sql);
    std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_.get()); }
    const std::filesystem::path& path() const { return path_; }

private:
    struct Close {
        void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
    };
    Database(std::filesystem::path path, sqlite3* db) : path_(std::move(path)), db_(db) {}
    std::filesystem::path path_;
    std::unique_ptr<sqlite3, Close> db_;
};

// Rolls back unless commit() succeeded: a failed import leaves the previous state.
class Transaction {
public:
    static Result<Transaction> begin(Database& db);
    Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    Status commit();

private:
    explicit Transaction(Database* db) : db_(db) {}
    Database* db_;
};

}  // namespace biomedq::store
