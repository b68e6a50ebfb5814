#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"

#include <array>
#include <string_view>

namespace pjm::store {

namespace {

struct Backend {
    std::string_view scheme; // matched as a prefix of the URL
    std::string_view name;
    std::unique_ptr<core::Storage> (*open)(const std::string& url, Create create);
};

std::unique_ptr<core::Storage> open_sqlite_url(const std::string& url, Create create) {
    std::string path = url.substr(url.find(':') + 1);
    if (path.rfind("//", 0) == 0) path.erase(0, 2); // sqlite:///abs/path
    return sqlite::open_sqlite(path, create == Create::yes);
}

std::unique_ptr<core::Storage> open_postgres(const std::string&, Create) {
    throw core::StorageError(
        "PostgreSQL databases are not supported by this build yet; use a SQLite file path "
        "for --db / PJM_DATABASE");
}

constexpr std::array k_backends = {
    Backend{"sqlite:", "sqlite", open_sqlite_url},
    Backend{"postgresql://", "postgresql", open_postgres},
    Backend{"postgres://", "postgresql", open_postgres},
};

} // namespace

std::unique_ptr<core::Storage> open(const std::string& url, Create create) {
    if (url.empty()) throw core::StorageError("no database configured (--db or PJM_DATABASE)");
    for (const auto& b : k_backends)
        if (url.rfind(b.scheme, 0) == 0) return b.open(url, create);
    return sqlite::open_sqlite(url, create == Create::yes); // a plain path
}

std::vector<std::string> backends() {
    return {"sqlite"};
}

} // namespace pjm::store
