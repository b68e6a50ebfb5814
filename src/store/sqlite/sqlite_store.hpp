// The SQLite backend: WAL, busy timeout, one BEGIN IMMEDIATE transaction per message.
#pragma once

#include "store/database.hpp"
#include "store/store.hpp"

#include <memory>
#include <string>

namespace pjm::store::sqlite {

// Opens and migrates a SQLite job database; with `create`, makes the file and its folder
// when they do not exist.
std::unique_ptr<Database> open_sqlite(const std::string& path, bool create,
                                      const OpenOptions& options);

} // namespace pjm::store::sqlite
