// The PostgreSQL backend: a store::Database whose SQL (schema, migrations, transactions,
// queries) and row mapping (store/columns.hpp) live here, in pjm, and whose statements run
// through the thin driver module pjm-store-postgres.so (connection.hpp, postgres_abi.h), the
// only code that links libpq.
#pragma once

#include "store/database.hpp"

#include <memory>
#include <string>

namespace pjm::store::postgres {

// Connects to a postgresql:// URL. An empty database is initialized; a schema of another
// version is refused (core::StorageError saying what to do), as is an unreachable server.
std::unique_ptr<Database> open_postgres(const std::string& url);

struct SchemaVersions {
    std::string database; // the database, described without a password
    int before = 0;
    int after = 0;
    int current = 0; // the version this pjm writes
};
// `pjm db init` (migrate = false: initialize an empty database, report any other) and
// `pjm db migrate` (bring it up to the current version).
SchemaVersions update_schema(const std::string& url, bool migrate);

} // namespace pjm::store::postgres
