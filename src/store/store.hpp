// Opening a job database by URL: the one place that maps a scheme to a backend.
#pragma once

#include "core/storage.hpp"

#include <memory>
#include <string>
#include <vector>

namespace pjm::store {

// "sqlite:/path/pjm.db", "sqlite:///path/pjm.db" or a plain path → SQLite;
// "postgresql://…" / "postgres://…" → PostgreSQL. Creates and migrates the schema as needed.
// Throws core::StorageError with a message that says what to do.
std::unique_ptr<core::Storage> open(const std::string& url);

// Backends compiled into this binary, for `pjm --version`.
std::vector<std::string> backends();

} // namespace pjm::store
