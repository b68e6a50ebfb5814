// Opening a job database by URL: the one place that maps a scheme to a backend.
#pragma once

#include "core/storage.hpp"

#include <memory>
#include <string>
#include <vector>

namespace pjm::store {

// Whether opening may create a database that does not exist yet. Only commands that start a
// database (registering a pipeline) create one, so a mistyped path is an error, not a new file.
enum class Create { no, yes };

// "sqlite:/path/pjm.db", "sqlite:///path/pjm.db" or a plain path → SQLite;
// "postgresql://…" / "postgres://…" → PostgreSQL. Migrates the schema as needed.
// Throws core::StorageError with a message that says what to do.
std::unique_ptr<core::Storage> open(const std::string& url, Create create = Create::yes);

// Backends compiled into this binary, for `pjm --version`.
std::vector<std::string> backends();

} // namespace pjm::store
