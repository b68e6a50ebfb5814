// The columns of pjm's tables, one table per record (job, history entry, pipeline, execution):
// each column's name, how it holds its value, and how that value is read from and written to
// the C++ record. Both backends (sqlite/sqlite_store.cpp, postgres/postgres_store.cpp) build
// the column lists of their SELECTs and INSERTs from these tables and map rows through them,
// so a new job field is one row in job_columns() plus a schema migration per backend.
#pragma once

#include "core/job.hpp"
#include "store/execution_log.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace pjm::store {

// How a column holds its value. Both backends keep JSON as text.
enum class ColumnType {
    text,          // text, never NULL
    nullable_text, // text; NULL when the field is unset
    json,          // text holding a JSON document, never NULL; an empty text reads as {}
    boolean,       // INTEGER 0/1 in SQLite, boolean in PostgreSQL
    integer,       // a 64-bit integer (INTEGER, bigint)
};

// A value on its way between a record and a row: SQL NULL, text, or an integer (what boolean
// and integer columns hold: 0/1 for a boolean).
using Value = std::variant<std::monostate, std::string, std::int64_t>;

template <typename Record> struct Column {
    std::string_view name;
    ColumnType type;
    Value (*get)(const Record&);   // the value an INSERT writes
    void (*set)(Record&, Value&&); // takes the value a SELECT read; throws core::StorageError
};

template <typename Record> using Columns = std::span<const Column<Record>>;

// The jobs table, every column. A job's history is not among them: it is the history table.
Columns<core::Job> job_columns();
// The history table without its key (job_uuid, seq), which the backends write.
Columns<core::HistoryEntry> history_columns();
Columns<core::Pipeline> pipeline_columns();
Columns<Execution> execution_columns();

// "uuid, pipeline_uuid, …", each name after `prefix` ("j." for a qualified list).
template <typename Record>
std::string column_list(Columns<Record> columns, std::string_view prefix = "") {
    std::string out;
    for (const auto& c : columns) {
        if (!out.empty()) out += ", ";
        out += prefix;
        out += c.name;
    }
    return out;
}

// A count as an SQL integer parameter (LIMIT), "no limit" (SIZE_MAX) becoming INT64_MAX.
inline std::int64_t clamped(std::size_t n) {
    constexpr auto max = static_cast<std::size_t>(INT64_MAX);
    return static_cast<std::int64_t>(n < max ? n : max);
}

// `count` numbered parameters from `first`: "?1, ?2" (mark '?') or "$1, $2" (mark '$').
std::string placeholders(char mark, std::size_t count, std::size_t first = 1);

// The values an INSERT writes, in column order.
template <typename Record>
std::vector<Value> values_of(Columns<Record> columns, const Record& record) {
    std::vector<Value> out;
    out.reserve(columns.size());
    for (const auto& c : columns)
        out.push_back(c.get(record));
    return out;
}

// A record from one row: `cell(index, type)` gives the Value of the row's column `index`,
// counted from `first` (a SELECT of these columns after others).
template <typename Record, typename Cell>
Record read_record(Columns<Record> columns, Cell&& cell, int first = 0) {
    Record r{};
    int i = first;
    for (const auto& c : columns)
        c.set(r, cell(i++, c.type));
    return r;
}

// Rows of (state name, count), read by `next` until it returns false, as Storage::count_jobs
// returns them: in the lifecycle's order of states. Throws core::StorageError for a state name
// the lifecycle does not know.
std::vector<std::pair<core::State, std::int64_t>>
state_counts(const std::function<bool(std::string& state, std::int64_t& count)>& next);

} // namespace pjm::store
