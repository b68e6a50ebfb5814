// A fresh, empty job database per test on each backend: a SQLite file in a temporary folder,
// or a PostgreSQL database created for the test on the server of PJM_TEST_POSTGRES_URL
// (scripts/test starts one; without it a PostgreSQL test fails and says so).
#pragma once

#include "test_support.hpp"

#include <atomic>
#include <cstdlib>
#include <libpq-fe.h>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace pjm::test {

// The backends every conformance test runs on, as GoogleTest parameters.
inline std::vector<std::string> storage_backends() {
    return {"sqlite", "postgres"};
}
inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) {
    return info.param;
}

inline std::string postgres_base_url() {
    const char* url = std::getenv("PJM_TEST_POSTGRES_URL");
    if (!url || !*url)
        throw std::runtime_error(
            "PJM_TEST_POSTGRES_URL is not set, so the PostgreSQL half of the suite cannot run: run "
            "the tests through ./scripts/test, or as scripts/with-postgres ctest --test-dir "
            "BUILD, which start a throwaway PostgreSQL server");
    return url;
}

// The same server URL with another database name.
inline std::string postgres_url_for(const std::string& base, const std::string& database) {
    std::string query;
    std::string head = base;
    if (auto q = head.find('?'); q != std::string::npos) {
        query = head.substr(q);
        head.erase(q);
    }
    auto slash = head.find('/', head.find("://") + 3);
    if (slash != std::string::npos) head.erase(slash);
    return head + "/" + database + query;
}

// Runs SQL through its own libpq connection; returns the first column of the first row.
inline std::string postgres_query(const std::string& url, const std::string& sql) {
    PGconn* c = PQconnectdb(url.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
        std::string msg = PQerrorMessage(c);
        PQfinish(c);
        throw std::runtime_error("cannot connect to " + url + ": " + msg);
    }
    PQsetNoticeProcessor(
        c, [](void*, const char*) {}, nullptr);
    PGresult* r = PQexec(c, sql.c_str());
    ExecStatusType st = PQresultStatus(r);
    std::string out;
    if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0) out = PQgetvalue(r, 0, 0);
    std::string err = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
        throw std::runtime_error("SQL failed: " + sql + ": " + err);
    return out;
}

inline std::string sqlite_query(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

class TestDatabase {
  public:
    explicit TestDatabase(std::string backend) : m_backend(std::move(backend)) {
        if (m_backend == "sqlite") {
            m_url = m_dir.file("pjm.db");
            return;
        }
        if (m_backend != "postgres") throw std::invalid_argument("unknown backend " + m_backend);
        static std::atomic<int> counter{0};
        m_base = postgres_base_url();
        m_name = "pjm_unit_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
        postgres_query(m_base, "DROP DATABASE IF EXISTS " + m_name);
        // FILE_COPY: much faster than the default WAL_LOG for a tiny database on a test server.
        postgres_query(m_base, "CREATE DATABASE " + m_name + " STRATEGY FILE_COPY");
        m_url = postgres_url_for(m_base, m_name);
    }
    ~TestDatabase() {
        if (m_name.empty() || ::testing::Test::HasFailure()) return; // kept for a look
        try {
            postgres_query(m_base, "DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
        } catch (const std::exception&) {
        }
    }
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    const std::string& backend() const { return m_backend; }
    bool postgres() const { return m_backend == "postgres"; }
    // What --db / store::open take.
    const std::string& url() const { return m_url; }
    const TempDir& dir() const { return m_dir; }

    // SQL straight to the database, bypassing pjm; the first column of the first row.
    std::string query(const std::string& sql) const {
        return postgres() ? postgres_query(m_url, sql) : sqlite_query(m_url, sql);
    }
    // Marks the database as written by a newer pjm.
    void set_newer_schema(int version) const {
        if (postgres())
            query("INSERT INTO pjm_schema_migrations (version) VALUES (" + std::to_string(version) +
                  ")");
        else
            query("PRAGMA user_version = " + std::to_string(version));
    }

  private:
    std::string m_backend;
    TempDir m_dir;
    std::string m_url;
    std::string m_base; // the maintenance database (PostgreSQL)
    std::string m_name; // the database made for this test (PostgreSQL)
};

} // namespace pjm::test
