// A thin RAII wrapper over sqlite3 connections and prepared statements.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace pjm::store::sqlite {

class Statement {
  public:
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, const std::optional<std::string>& text); // NULL when empty
    Statement& bind_null(int index);

    // Steps once: true while a row is available; false when done. Throws on error.
    bool step();
    // Steps to completion (for statements that return no rows) and resets.
    void run();
    void reset();

    std::string text(int column) const;
    std::optional<std::string> optional_text(int column) const;
    std::int64_t integer(int column) const;

  private:
    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

// Throws core::StorageError with SQLite's message and the operator's next step.
[[noreturn]] void throw_sqlite(sqlite3* db, int rc, std::string_view what);
void exec(sqlite3* db, const char* sql);

} // namespace pjm::store::sqlite
