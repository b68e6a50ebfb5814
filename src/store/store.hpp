// Opening a job database by URL: the one place that maps a scheme to a backend.
#pragma once

#include "store/database.hpp"

#include <memory>
#include <string>
#include <vector>

namespace pjm::store {

// Whether opening may create a database that does not exist yet. Only commands that start a
// database (registering a pipeline) create one, so a mistyped path is an error, not a new file.
enum class Create { no, yes };

// How a connection is tuned; the defaults suit every command but pjm serve.
struct OpenOptions {
    // SQLite copies its WAL into the database in the commit that fills it (a checkpoint),
    // which stalls that commit. pjm serve's writer turns this off and has a Checkpointer call
    // Database::checkpoint() on another connection instead. Ignored by other backends.
    bool automatic_checkpoints = true;
};

// "sqlite:/path/pjm.db", "sqlite:///path/pjm.db" or a plain path → SQLite;
// "postgresql://…" / "postgres://…" → PostgreSQL (loads the pjm-store-postgres module).
// A SQLite file is migrated as needed; an empty PostgreSQL database is initialized, one of an
// older schema needs `pjm db migrate` (other pjm installations may share it).
// Throws core::StorageError with a message that says what to do.
std::unique_ptr<Database> open(const std::string& url, Create create = Create::yes,
                               const OpenOptions& options = {});

// What `pjm db init` / `pjm db migrate` found and did.
struct SchemaReport {
    std::string database; // the database, described without secrets
    int before = 0;       // 0: it held no pjm schema
    int after = 0;
    int current = 0; // the schema version this pjm writes
};
enum class SchemaAction {
    init,    // create the database (a SQLite file) and its schema when it has none
    migrate, // bring an existing schema up to the current version
};
// Throws core::StorageError like open().
SchemaReport update_schema(const std::string& url, SchemaAction action);

// Backends compiled into this binary, for `pjm --version`.
std::vector<std::string> backends();

} // namespace pjm::store
