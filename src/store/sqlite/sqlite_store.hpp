// The SQLite backend: WAL, busy timeout, one BEGIN IMMEDIATE transaction per message.
#pragma once

#include "core/storage.hpp"

#include <memory>
#include <string>

namespace pjm::store::sqlite {

// Opens (creating the file and its folder if needed) and migrates a SQLite job database.
std::unique_ptr<core::Storage> open_sqlite(const std::string& path);

} // namespace pjm::store::sqlite
