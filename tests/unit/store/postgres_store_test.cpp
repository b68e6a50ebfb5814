// What only the PostgreSQL backend does: connecting (and saying why it cannot), libpq's
// environment, initializing an empty database once, explicit migration, reconnecting.
// What every backend does is in store_conformance_test.cpp.
#include "store/store.hpp"
#include "test_databases.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <cstdlib>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>

#include <gtest/gtest.h>

namespace pjm::store {
namespace {

using test::TestDatabase;

std::string open_error(const std::string& url) {
    try {
        open(url);
    } catch (const core::StorageError& e) {
        return e.what();
    }
    return "(opened without an error)";
}

// Sets an environment variable for one scope.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const char* value) : m_name(name) {
        if (const char* old = std::getenv(name)) m_old = old;
        if (value)
            setenv(name, value, 1);
        else
            unsetenv(name);
    }
    ~ScopedEnv() {
        if (m_old)
            setenv(m_name, m_old->c_str(), 1);
        else
            unsetenv(m_name);
    }

  private:
    const char* m_name;
    std::optional<std::string> m_old;
};

int closed_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t n = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
    close(fd); // nothing listens there now
    return ntohs(a.sin_port);
}

std::string password_url(const std::string& password) {
    const char* url = std::getenv("PJM_TEST_POSTGRES_PASSWORD_URL");
    if (!url) throw std::runtime_error("PJM_TEST_POSTGRES_PASSWORD_URL is not set (scripts/test)");
    std::string u = url;
    if (!password.empty()) u.replace(u.find("pjm_password@"), 13, "pjm_password:" + password + "@");
    return u;
}

TEST(PostgresStore, UnreachableServerSaysSo) {
    std::string url =
        "postgresql://pjm:hunter2@127.0.0.1:" + std::to_string(closed_port()) + "/pjm";
    std::string msg = open_error(url);
    EXPECT_NE(msg.find("cannot connect to PostgreSQL"), std::string::npos) << msg;
    EXPECT_NE(msg.find("Connection refused"), std::string::npos) << msg;
    EXPECT_NE(msg.find("check that the server is running"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("hunter2"), std::string::npos) << "never the password: " << msg;
    EXPECT_THROW(update_schema(url, SchemaAction::init), core::StorageError);
}

TEST(PostgresStore, RefusedCredentialsSaySo) {
    std::string msg = open_error(password_url("not-the-password"));
    EXPECT_NE(msg.find("password authentication failed"), std::string::npos) << msg;
    EXPECT_NE(msg.find("check the user name and the password"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("not-the-password"), std::string::npos) << "never the password: " << msg;
}

TEST(PostgresStore, MissingPasswordSaysWhereToPutIt) {
    ScopedEnv no_password("PGPASSWORD", nullptr);
    ScopedEnv no_file("PGPASSFILE", "/nonexistent/pgpass");
    std::string msg = open_error(password_url(""));
    EXPECT_NE(msg.find("PGPASSWORD"), std::string::npos) << msg;
}

TEST(PostgresStore, LibpqEnvironmentIsHonoured) {
    {
        ScopedEnv password("PGPASSWORD", std::getenv("PJM_TEST_POSTGRES_PASSWORD"));
        auto s = open(password_url(""));
        EXPECT_TRUE(s->get_setting("admin_secret")) << "PGPASSWORD gave the password";
        EXPECT_EQ(s->describe().find(std::getenv("PJM_TEST_POSTGRES_PASSWORD")), std::string::npos);
    }
    {
        ScopedEnv ssl("PGSSLMODE", "require"); // the test server speaks no TLS
        std::string msg = open_error(test::postgres_base_url());
        EXPECT_NE(msg.find("SSL"), std::string::npos) << msg;
    }
}

TEST(PostgresStore, MissingDatabaseSaysHowToCreateIt) {
    std::string msg =
        open_error(test::postgres_url_for(test::postgres_base_url(), "pjm_no_such_database"));
    EXPECT_NE(msg.find("does not exist"), std::string::npos) << msg;
    EXPECT_NE(msg.find("createdb"), std::string::npos) << msg;
}

TEST(PostgresStore, EmptyDatabaseIsInitializedOnceUnderConcurrentFirstUse) {
    TestDatabase db("postgres");
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            try {
                open(db.url())->get_setting("admin_secret");
            } catch (const std::exception& e) {
                ++failures;
                ADD_FAILURE() << e.what();
            }
        });
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(db.query("SELECT string_agg(version::text, ',' ORDER BY version) FROM "
                       "pjm_schema_migrations"),
              "1,2,3,4,5,6,7,8,9");
    EXPECT_EQ(db.query("SELECT count(*) FROM settings WHERE key = 'admin_secret'"), "1");
}

TEST(PostgresStore, InitReportsAnEmptyDatabase) {
    TestDatabase db("postgres");
    SchemaReport r = update_schema(db.url(), SchemaAction::init);
    EXPECT_EQ(r.before, 0);
    EXPECT_EQ(r.after, r.current);
    EXPECT_EQ(r.database.rfind("postgresql://", 0), 0u) << r.database;
}

TEST(PostgresStore, OlderSchemaWaitsForExplicitMigrate) {
    TestDatabase db("postgres");
    open(db.url());
    // Back to version 1, as an older pjm left it.
    db.query(
        "DROP TABLE executions; DROP TABLE execution_totals; DROP FUNCTION pjm_count_execution; "
        "DROP TABLE callback_receipts; DROP INDEX jobs_by_updated; DROP TABLE scheduler_claims");
    db.query("DELETE FROM pjm_schema_migrations WHERE version >= 2");
    std::string msg = open_error(db.url());
    EXPECT_NE(msg.find("schema version 1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("pjm db migrate"), std::string::npos) << msg;
    SchemaReport init = update_schema(db.url(), SchemaAction::init);
    EXPECT_EQ(init.before, 1);
    EXPECT_EQ(init.after, 1) << "init leaves an existing schema alone";
    SchemaReport r = update_schema(db.url(), SchemaAction::migrate);
    EXPECT_EQ(r.before, 1);
    EXPECT_EQ(r.after, r.current);
    EXPECT_EQ(r.current, 9);
    auto s = open(db.url());
    EXPECT_FALSE(s->get_execution("none"));
}

TEST(PostgresStore, ForeignTablesAreNotTakenOver) {
    TestDatabase db("postgres");
    db.query("CREATE TABLE jobs (id integer)");
    std::string msg = open_error(db.url());
    EXPECT_NE(msg.find("another application"), std::string::npos) << msg;
    EXPECT_EQ(db.query("SELECT to_regclass('pjm_schema_migrations') IS NULL"), "t")
        << "a failed initialization leaves nothing behind";
}

TEST(PostgresStore, ReconnectsWhenTheServerDropsTheConnection) {
    TestDatabase db("postgres");
    auto s = open(db.url());
    ASSERT_TRUE(s->add_pipeline({"10600000-0000-5000-8000-000000000001", "p", "", "t"}));
    test::postgres_query(test::postgres_base_url(),
                         "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname "
                         "= '" +
                             db.url().substr(db.url().rfind('/') + 1) + "'");
    EXPECT_TRUE(s->get_setting("admin_secret")) << "a read reconnects";
    test::postgres_query(test::postgres_base_url(),
                         "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname "
                         "= '" +
                             db.url().substr(db.url().rfind('/') + 1) + "'");
    s->write([](core::StorageTx& tx) {
        EXPECT_TRUE(tx.find_pipeline("10600000-0000-5000-8000-000000000001"));
        return true;
    });
}

} // namespace
} // namespace pjm::store
