// What only the SQLite backend does: WAL, an owner-only file, a file made only when asked,
// migration on open. What every backend does is in store_conformance_test.cpp.
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"
#include "test_databases.hpp"

#include <gtest/gtest.h>

namespace pjm::store {
namespace {

using test::sqlite_query;

class SqliteStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        path = dir.file("sub/folder/pjm.db"); // the folder is created on demand
        s = open(path);
    }

    test::TempDir dir;
    std::string path;
    std::unique_ptr<Database> s;
};

TEST_F(SqliteStoreTest, SchemaIsCurrentAndWal) {
    EXPECT_EQ(sqlite_query(path, "PRAGMA user_version"),
              std::to_string(sqlite::current_schema_version()));
    EXPECT_EQ(sqlite_query(path, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(s->describe(), "sqlite:" + path);
    EXPECT_EQ(sqlite::read_schema_version(path), sqlite::current_schema_version());
}

TEST_F(SqliteStoreTest, UrlFormsNameTheSameFile) {
    EXPECT_EQ(open("sqlite:" + path)->describe(), "sqlite:" + path);
    EXPECT_EQ(open("sqlite://" + path)->describe(), "sqlite:" + path);
}

TEST_F(SqliteStoreTest, DatabaseFileIsOwnerOnly) {
    EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(SqliteStoreTest, MissingFileIsMadeOnlyWhenAsked) {
    std::string missing = dir.file("typo/pjm.db");
    EXPECT_THROW(open(missing, Create::no), core::StorageError);
    EXPECT_THROW(update_schema(missing, SchemaAction::migrate), core::StorageError);
    EXPECT_FALSE(std::filesystem::exists(dir.file("typo")));
    SchemaReport r = update_schema(missing, SchemaAction::init);
    EXPECT_EQ(r.before, 0);
    EXPECT_EQ(r.after, sqlite::current_schema_version());
    EXPECT_EQ(r.database, "sqlite:" + missing);
    EXPECT_TRUE(std::filesystem::exists(missing));
}

TEST_F(SqliteStoreTest, OlderSchemaIsMigratedOnOpen) {
    // A version-1 database: no executions table yet.
    s.reset();
    sqlite_query(path, "DROP TABLE executions");
    sqlite_query(path, "DROP TABLE execution_totals");
    sqlite_query(path, "DROP TABLE callback_receipts");
    sqlite_query(path, "DROP INDEX jobs_by_updated");
    sqlite_query(path, "DROP TABLE scheduler_claims");
    sqlite_query(path, "DROP TABLE job_counts");
    sqlite_query(path, "DROP TRIGGER jobs_counted");
    sqlite_query(path, "DROP TRIGGER jobs_recounted");
    sqlite_query(path, "DROP TRIGGER jobs_uncounted");
    sqlite_query(path, "PRAGMA user_version = 1");
    EXPECT_EQ(sqlite::read_schema_version(path), 1);
    SchemaReport r = update_schema(path, SchemaAction::migrate);
    EXPECT_EQ(r.before, 1);
    EXPECT_EQ(r.after, sqlite::current_schema_version());
    EXPECT_EQ(sqlite_query(path, "SELECT count(*) FROM executions"), "0");
}

} // namespace
} // namespace pjm::store
