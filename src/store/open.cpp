#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace pjm::store {

namespace {

struct Backend {
    std::string_view scheme; // matched as a prefix of the URL
    std::string_view name;
    std::unique_ptr<Database> (*open)(const std::string& url, Create create,
                                      const OpenOptions& options);
    SchemaReport (*schema)(const std::string& url, SchemaAction action);
};

std::string sqlite_path(const std::string& url) {
    if (url.rfind("sqlite:", 0) != 0) return url; // a plain path
    std::string path = url.substr(url.find(':') + 1);
    if (path.rfind("//", 0) == 0) path.erase(0, 2); // sqlite:///abs/path
    return path;
}

std::unique_ptr<Database> open_sqlite(const std::string& url, Create create,
                                      const OpenOptions& options) {
    return sqlite::open_sqlite(sqlite_path(url), create == Create::yes, options);
}

SchemaReport sqlite_schema(const std::string& url, SchemaAction action) {
    std::string path = sqlite_path(url);
    SchemaReport r;
    r.before = sqlite::read_schema_version(path);
    // Opening migrates; only init makes a new file.
    auto db = sqlite::open_sqlite(path, action == SchemaAction::init, {});
    r.database = db->describe();
    r.after = r.current = sqlite::current_schema_version();
    return r;
}

// A server database's new pjm schema is made on first use; the URL is a libpq URI, so libpq's
// environment (PGPASSWORD, PGSSLMODE, …) applies. Create does not apply: the server makes
// databases, not pjm. The options tune SQLite only.
std::unique_ptr<Database> open_postgres(const std::string& url, Create, const OpenOptions&) {
    return postgres::open_postgres(url);
}

SchemaReport postgres_schema(const std::string& url, SchemaAction action) {
    auto v = postgres::update_schema(url, action == SchemaAction::migrate);
    return {v.database, v.before, v.after, v.current};
}

constexpr std::array k_backends = {
    Backend{"sqlite:", "sqlite", open_sqlite, sqlite_schema},
    Backend{"postgresql://", "postgresql", open_postgres, postgres_schema},
    Backend{"postgres://", "postgresql", open_postgres, postgres_schema},
    Backend{"", "sqlite", open_sqlite, sqlite_schema}, // a plain path
};

const Backend& backend_for(const std::string& url) {
    if (url.empty()) throw core::StorageError("no database configured (--db or PJM_DATABASE)");
    for (const auto& b : k_backends)
        if (url.rfind(b.scheme, 0) == 0) return b;
    return k_backends.back();
}

} // namespace

std::unique_ptr<Database> open(const std::string& url, Create create, const OpenOptions& options) {
    return backend_for(url).open(url, create, options);
}

SchemaReport update_schema(const std::string& url, SchemaAction action) {
    return backend_for(url).schema(url, action);
}

std::vector<std::string> backends() {
    std::vector<std::string> names;
    for (const auto& b : k_backends)
        if (std::find(names.begin(), names.end(), b.name) == names.end())
            names.emplace_back(b.name);
    return names;
}

} // namespace pjm::store
