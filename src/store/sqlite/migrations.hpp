// The SQLite schema, as an ordered list of migrations tracked by PRAGMA user_version.
#pragma once

#include <string>

struct sqlite3;

namespace pjm::store::sqlite {

// The schema version this binary writes.
int current_schema_version();
// Brings the database up to current_schema_version() in one transaction; refuses a database
// written by a newer pjm (core::StorageError).
void migrate(sqlite3* db);
// The schema version of the database file at `path` without changing it; 0 when the file does
// not exist or is empty.
int read_schema_version(const std::string& path);

} // namespace pjm::store::sqlite
