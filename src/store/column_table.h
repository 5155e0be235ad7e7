// One table per stored type: each column named once beside the member it holds, so INSERT and
// SELECT are built from the same list and a new field is one line (no positional binds to keep in
// step).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "biomedq/result.h"
#include "store/sqlite_db.h"

namespace biomedq::store {

template <typename Row>
struct Column {
    std::string name;
    std::function<void(Statement&, int, const Row&)> bind;
    // Reads column `i` of the current row into the row; an error names what could not be read.
    std::function<Status(const Statement&, int, Row&)> read;
};

// SQL values of the member types a stored row uses.
inline std::int64_t to_sql(std::uint64_t v) { return static_cast<std::int64_t>(v); }
inline std::int64_t to_sql(int v) { return v; }
inline std::int64_t to_sql(bool v) { return v ? 1 : 0; }
inline double to_sql(double v) { return v; }
inline std::string_view to_sql(const std::string& v) { return v; }
inline std::string to_sql(const nlohmann::json& v) { return v.dump(); }

inline Status from_sql(const Statement& s, int i, std::uint64_t& out) {
    out = static_cast<std::uint64_t>(s.column_int(i));
    return Status::success();
}
inline Status from_sql(const Statement& s, int i, int& out) {
    out = static_cast<int>(s.column_int(i));
    return Status::success();
}
inline Status from_sql(const Statement& s, int i, bool& out) {
    out = s.column_int(i) != 0;
    return Status::success();
}
inline Status from_sql(const Statement& s, int i, double& out) {
    out = s.column_double(i);
    return Status::success();
}
inline Status from_sql(const Statement& s, int i, std::string& out) {
    out = s.column_text(i);
    return Status::success();
}
inline Status from_sql(const Statement& s, int i, nlohmann::json& out) {
    out = nlohmann::json::parse(s.column_text(i), nullptr, false);
    if (out.is_discarded()) return make_error(ErrorCode::kParse, "stored JSON is not valid");
    return Status::success();
}

// A column holding one member of the row.
template <typename Row, typename T>
Column<Row> column(std::string name, T Row::*member) {
    return {std::move(name),
            [member](Statement& s, int i, const Row& row) { s.bind(i, to_sql(row.*member)); },
            [member](const Statement& s, int i, Row& row) { return from_sql(s, i, row.*member); }};
}

template <typename Row>
std::string column_list(const std::vector<Column<Row>>& columns) {
    std::string out;
    for (const auto& c : columns) out += (out.empty() ? "" : ", ") + c.name;
    return out;
}

// "INSERT INTO table(prefix..., columns...) VALUES (?, ...)" for `n_prefix` leading key columns.
template <typename Row>
std::string insert_sql(const std::string& verb_and_table, const std::vector<std::string>& prefix,
                       const std::vector<Column<Row>>& columns) {
    std::string names, marks;
    for (const auto& p : prefix) names += (names.empty() ? "" : ", ") + p;
    const std::string listed = column_list(columns);
    names += (names.empty() || listed.empty() ? "" : ", ") + listed;
    for (std::size_t i = 0; i < prefix.size() + columns.size(); ++i) marks += i ? ",?" : "?";
    return verb_and_table + "(" + names + ") VALUES (" + marks + ")";
}

// Binds every column from parameter `first` on (1-based).
template <typename Row>
void bind_columns(Statement& s, int first, const std::vector<Column<Row>>& columns,
                  const Row& row) {
    for (std::size_t i = 0; i < columns.size(); ++i)
        columns[i].bind(s, first + static_cast<int>(i), row);
}

// Reads every column from result column `first` on (0-based); errors name the column.
template <typename Row>
Status read_columns(const Statement& s, int first, const std::vector<Column<Row>>& columns,
                    Row& row) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
        Status read = columns[i].read(s, first + static_cast<int>(i), row);
        if (!read.ok()) return read.error().with_context("column " + columns[i].name);
    }
    return Status::success();
}

}  // namespace biomedq::store
