// The SQLite schema, as an ordered list of migrations tracked by PRAGMA user_version.
#pragma once

struct sqlite3;

namespace pjm::store::sqlite {

// The schema version this binary writes.
int current_schema_version();
// Brings the database up to current_schema_version() in one transaction; refuses a database
// written by a newer pjm (core::StorageError).
void migrate(sqlite3* db);

} // namespace pjm::store::sqlite
