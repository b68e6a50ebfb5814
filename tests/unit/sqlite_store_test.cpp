// The SQLite backend: schema and migrations, transactions, history, filters, two connections.
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace pjm::store {
namespace {

using core::HistoryEntry;
using core::Job;
using core::State;

Job make_job(const std::string& uuid, const std::string& pipeline, const std::string& updated) {
    Job j;
    j.uuid = uuid;
    j.pipeline_uuid = pipeline;
    j.archive_path = "/a";
    j.data = {{"k", uuid}};
    j.created = j.updated = updated;
    j.salt = "c2FsdA==";
    j.history.push_back({"108" + uuid.substr(3), "create", updated, nlohmann::json::object()});
    return j;
}

std::string pragma(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW)
        out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

class SqliteStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        path = dir.file("sub/folder/pjm.db"); // the folder is created on demand
        s = open(path);
        ASSERT_TRUE(s->add_pipeline({p1, "one", "first", "2026-01-01T00:00:00.000Z"}));
        ASSERT_TRUE(s->add_pipeline({p2, "two", "", "2026-01-01T00:00:00.000Z"}));
    }
    void insert(const Job& j) {
        s->write([&](core::StorageTx& tx) {
            tx.insert_job(j);
            return true;
        });
    }

    test::TempDir dir;
    std::string path;
    std::unique_ptr<core::Storage> s;
    const std::string p1 = "10600000-0000-5000-8000-000000000001";
    const std::string p2 = "10600000-0000-5000-8000-000000000002";
    const std::string j1 = "10700000-0000-5000-8000-000000000001";
    const std::string j2 = "10700000-0000-5000-8000-000000000002";
};

TEST_F(SqliteStoreTest, SchemaIsCurrentAndWal) {
    EXPECT_EQ(pragma(path, "PRAGMA user_version"),
              std::to_string(sqlite::current_schema_version()));
    EXPECT_EQ(pragma(path, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(s->describe(), "sqlite:" + path);
    auto secret = s->get_setting("admin_secret");
    ASSERT_TRUE(secret);
    EXPECT_EQ(secret->size(), 64u) << "a random admin secret is made with the database";
}

TEST_F(SqliteStoreTest, ReopeningKeepsDataAndSecret) {
    auto secret = s->get_setting("admin_secret");
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    s.reset();
    s = open("sqlite:" + path);
    EXPECT_EQ(s->get_setting("admin_secret"), secret);
    EXPECT_TRUE(s->get_job(j1, false));
}

TEST_F(SqliteStoreTest, NewerSchemaIsRefused) {
    s.reset();
    pragma(path, "PRAGMA user_version = 99");
    try {
        open(path);
        FAIL() << "a newer schema must be refused";
    } catch (const core::StorageError& e) {
        EXPECT_NE(std::string(e.what()).find("upgrade pjm"), std::string::npos) << e.what();
    }
}

TEST_F(SqliteStoreTest, DuplicatePipelineIsReported) {
    EXPECT_FALSE(s->add_pipeline({p1, "again", "", "2026-01-02T00:00:00.000Z"}));
    auto all = s->list_pipelines();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].name, "one");
    EXPECT_EQ(s->get_pipeline(p1)->description, "first");
}

TEST_F(SqliteStoreTest, AppendKeepsOrderAndCount) {
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    for (int i = 0; i < 50; ++i) {
        s->write([&](core::StorageTx& tx) {
            auto job = tx.load_job_for_update(j1);
            EXPECT_TRUE(job);
            tx.append_event(*job, {"108x", "update", "2026-01-01T00:00:02.000Z", {{"i", i}}},
                            State::running);
            return true;
        });
    }
    auto job = s->get_job(j1, true);
    ASSERT_EQ(job->history.size(), 51u);
    EXPECT_EQ(job->event_count, 51);
    EXPECT_EQ(job->state, State::running);
    for (int i = 0; i < 50; ++i)
        EXPECT_EQ(job->history[i + 1].data.at("i"), i);
}

TEST_F(SqliteStoreTest, RollbackOnFalseAndOnException) {
    s->write([&](core::StorageTx& tx) {
        tx.insert_job(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
        return false;
    });
    EXPECT_FALSE(s->get_job(j1, false));
    EXPECT_THROW(s->write([&](core::StorageTx& tx) -> bool {
        tx.insert_job(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
        throw std::runtime_error("boom");
    }),
                 std::runtime_error);
    EXPECT_FALSE(s->get_job(j1, false));
}

TEST_F(SqliteStoreTest, UnknownPipelineViolatesForeignKey) {
    EXPECT_THROW(insert(make_job(j1, "10600000-0000-5000-8000-00000000dead", "2026")),
                 core::StorageError);
}

TEST_F(SqliteStoreTest, FindFiltersAndHidden) {
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    insert(make_job(j2, p2, "2026-01-01T00:00:02.000Z"));
    EXPECT_EQ(s->find_jobs({}).size(), 2u);
    EXPECT_EQ(s->find_jobs({}).front().uuid, j2) << "most recently updated first";
    EXPECT_EQ(s->find_jobs({std::nullopt, p1, 0, false}).size(), 1u);
    EXPECT_EQ(s->find_jobs({State::running, std::nullopt, 0, false}).size(), 0u);
    EXPECT_EQ(s->find_jobs({std::nullopt, std::nullopt, 1, false}).size(), 1u);
    s->write([&](core::StorageTx& tx) {
        tx.hide_job(j1, "2026-01-01T00:00:03.000Z");
        return true;
    });
    EXPECT_EQ(s->find_jobs({}).size(), 1u);
    EXPECT_EQ(s->find_jobs({std::nullopt, std::nullopt, 0, true}).size(), 2u);
    EXPECT_FALSE(s->get_job(j1, false)->visible);
}

TEST_F(SqliteStoreTest, RemoveDeletesHistoryToo) {
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    s->write([&](core::StorageTx& tx) {
        tx.remove_job(j1);
        return true;
    });
    EXPECT_FALSE(s->get_job(j1, true));
    EXPECT_EQ(pragma(path, "SELECT count(*) FROM history"), "0");
}

TEST_F(SqliteStoreTest, TwoConnectionsSeeEachOthersCommits) {
    auto other = open(path);
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    EXPECT_TRUE(other->get_job(j1, false));
    other->write([&](core::StorageTx& tx) {
        auto job = tx.load_job_for_update(j1);
        tx.append_event(*job, {"108y", "run", "2026-01-01T00:00:05.000Z", {}}, State::running);
        return true;
    });
    EXPECT_EQ(s->get_job(j1, true)->history.size(), 2u);
}

TEST_F(SqliteStoreTest, DatabaseFileIsOwnerOnly) {
    EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

} // namespace
} // namespace pjm::store

namespace pjm::store {
namespace {

TEST_F(SqliteStoreTest, ExecutionsRoundTrip) {
    core::Execution e{"exec-1",
                      "actor",
                      "COMPLETE",
                      6,
                      "2026-01-01T00:00:00.000Z",
                      "2026-01-01T00:00:00.004Z",
                      "PipelineJobEvent",
                      j1,
                      "refused: conflict"};
    s->add_execution(e);
    auto got = s->get_execution("exec-1");
    ASSERT_TRUE(got);
    EXPECT_EQ(got->exit_code, 6);
    EXPECT_EQ(got->log, "refused: conflict");
    EXPECT_EQ(got->job_uuid, j1);
    EXPECT_FALSE(s->get_execution("exec-2"));
}

} // namespace
} // namespace pjm::store
