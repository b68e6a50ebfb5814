// The PostgreSQL backend as pjm sees it: a store::Database that loads pjm-store-postgres.so on
// first use and calls it through its C interface (postgres/postgres_abi.h).
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
