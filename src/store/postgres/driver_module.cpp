// The PostgreSQL driver, built as the module pjm-store-postgres.so: libpq behind the C interface
// of postgres_abi.h. It runs the SQL pjm gives it and knows nothing of pjm's tables; what it
// adds to libpq is the classification of failures (a lost race, or what to do about one) and
// messages fit for pjm's stderr. Every entry point catches everything; no exception leaves.
#include "store/postgres/postgres_abi.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <libpq-fe.h>
#include <string>
#include <utility>
#include <vector>

struct pjm_pg {
    PGconn* conn = nullptr;
};

namespace pjm::store::postgres {

namespace {

// A failed call, thrown inside the module and turned into a status code at its edge.
struct Failure {
    int status;
    std::string sqlstate;
    std::string message;
};

[[noreturn]] void fail(std::string message, std::string sqlstate = "") {
    throw Failure{PJM_PG_ERROR, std::move(sqlstate), std::move(message)};
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '.'))
        s.pop_back();
    return s;
}

std::string diag(const PGresult* r, int code) {
    const char* v = r ? PQresultErrorField(r, code) : nullptr;
    return v ? v : "";
}

// What the operator can do about a failure, by SQLSTATE class.
std::string advice(const std::string& state) {
    if (state == "53100") return "the database server's disk is full; free space and try again";
    if (state.rfind("53", 0) == 0)
        return "the database server is out of resources (connections, memory); try again later";
    if (state == "42501")
        return "the database role lacks a privilege pjm needs; ask the database's owner to grant "
               "it, or use the owner's role";
    if (state == "42P07")
        return "the database holds tables of another application; give pjm a database of its "
               "own, or a schema of its own (…?options=-csearch_path%3Dpjm)";
    if (state == "25006")
        return "the server is a read-only standby; point pjm at the primary server";
    if (state.rfind("57P", 0) == 0 || state.rfind("08", 0) == 0)
        return "the database server went away; check that it is running, then try again";
    return "";
}

// Lost races, which the caller answers by running the whole transaction again: serialization
// failures, deadlocks, and a concurrent insert of the same key (two creates of the same job:
// run again, the transaction then sees the other's row).
bool lost_race(const std::string& state) {
    return state == "40001" || state == "40P01" || state == "23505";
}

[[noreturn]] void fail_statement(pjm_pg* pg, const PGresult* r) {
    std::string state = diag(r, PG_DIAG_SQLSTATE);
    std::string primary = diag(r, PG_DIAG_MESSAGE_PRIMARY);
    std::string msg = primary.empty() ? trimmed(PQerrorMessage(pg->conn)) : primary;
    if (std::string detail = diag(r, PG_DIAG_MESSAGE_DETAIL); !detail.empty())
        msg += " (" + trimmed(detail) + ")";
    std::string hint = advice(state);
    if (hint.empty() && PQstatus(pg->conn) == CONNECTION_BAD)
        hint = "the connection to the database server was lost; check that it is running, "
               "then try again";
    if (!hint.empty()) msg += "; " + hint;
    throw Failure{lost_race(state) ? PJM_PG_RETRY : PJM_PG_ERROR, state, msg};
}

// libpq and the server write some messages over several lines ("…failed: Connection
// refused\n\tIs the server running…?"); pjm prints one line.
std::string one_line(const std::string& text) {
    std::string out;
    for (char c : text) {
        bool space = c == '\n' || c == '\t' || c == '\r' || c == ' ';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

void fill(pjm_pg_error* err, const Failure& f) {
    if (!err) return;
    std::snprintf(err->sqlstate, sizeof err->sqlstate, "%s", f.sqlstate.c_str());
    std::snprintf(err->message, sizeof err->message, "%s", one_line(f.message).c_str());
}

template <typename F> int guarded(pjm_pg_error* err, F&& f) noexcept {
    try {
        return f();
    } catch (const Failure& e) {
        fill(err, e);
        return e.status;
    } catch (const std::exception& e) {
        fill(err, {PJM_PG_ERROR, "", std::string("PostgreSQL driver: ") + e.what()});
        return PJM_PG_ERROR;
    } catch (...) {
        fill(err, {PJM_PG_ERROR, "", "PostgreSQL driver: unknown failure"});
        return PJM_PG_ERROR;
    }
}

std::string quoted(const char* s) {
    return std::string("\"") + (s ? s : "") + "\"";
}

std::string connect_advice(PGconn* c, const std::string& msg) {
    if (PQconnectionNeedsPassword(c))
        return "the server wants a password: set PGPASSWORD, or add it to ~/.pgpass";
    if (msg.find("password authentication failed") != std::string::npos ||
        msg.find("authentication failed") != std::string::npos)
        return "the server refused these credentials: check the user name and the password "
               "(PGPASSWORD, ~/.pgpass or the URL)";
    if (msg.find("does not exist") != std::string::npos)
        return "create the database first (createdb NAME, or CREATE DATABASE), or fix the URL";
    if (msg.find("no pg_hba.conf entry") != std::string::npos)
        return "the server does not accept this user from this host; ask its administrator to "
               "add a pg_hba.conf entry";
    if (msg.find("invalid") != std::string::npos || msg.find("missing") != std::string::npos)
        return "check the database URL: postgresql://USER@HOST:PORT/DATABASE";
    return "check that the server is running and accepts TCP connections on that host and port";
}

// --- the C entry points ---

int pg_connect(const char* url, pjm_pg** out, pjm_pg_error* err) {
    *out = nullptr;
    return guarded(err, [&] {
        // Keywords before dbname are defaults the URL may override; those after it win.
        std::vector<const char*> keys, values;
        if (!std::getenv("PGCONNECT_TIMEOUT")) {
            keys.push_back("connect_timeout");
            values.push_back("10");
        }
        keys.push_back("fallback_application_name");
        values.push_back("pjm");
        keys.push_back("dbname");
        values.push_back(url);
        keys.push_back("client_encoding");
        values.push_back("UTF8");
        keys.push_back(nullptr);
        values.push_back(nullptr);
        PGconn* c = PQconnectdbParams(keys.data(), values.data(), 1);
        if (!c) fail("cannot connect to PostgreSQL: out of memory");
        if (PQstatus(c) != CONNECTION_OK) {
            std::string msg = trimmed(PQerrorMessage(c));
            std::string text = "cannot connect to PostgreSQL database " + quoted(PQdb(c)) + " as " +
                               quoted(PQuser(c)) + ": " + msg + " (" + connect_advice(c, msg) + ")";
            PQfinish(c);
            fail(text, "08001");
        }
        // NOTICE messages are for people at psql, not for pjm's stderr.
        PQsetNoticeProcessor(
            c, [](void*, const char*) {}, nullptr);
        *out = new pjm_pg{c};
        return PJM_PG_OK;
    });
}

void pg_close(pjm_pg* pg) {
    if (!pg) return;
    PQfinish(pg->conn);
    delete pg;
}

std::size_t pg_describe(pjm_pg* pg, char* buf, std::size_t size) {
    std::string text;
    try {
        std::string host = PQhost(pg->conn) ? PQhost(pg->conn) : "";
        text = std::string("postgresql://") + (PQuser(pg->conn) ? PQuser(pg->conn) : "");
        if (!host.empty() && host[0] == '/') // a Unix socket folder
            text += "@:" + std::string(PQport(pg->conn)) + "/" + PQdb(pg->conn) + "?host=" + host;
        else
            text += "@" + host + ":" + PQport(pg->conn) + "/" + PQdb(pg->conn);
    } catch (...) {
        text = "postgresql";
    }
    if (buf && size > 0) std::snprintf(buf, size, "%s", text.c_str());
    return text.size();
}

int pg_reconnect(pjm_pg* pg, pjm_pg_error* err) {
    return guarded(err, [&] {
        if (PQstatus(pg->conn) == CONNECTION_OK) return PJM_PG_OK;
        PQreset(pg->conn);
        if (PQstatus(pg->conn) != CONNECTION_OK)
            fail("lost the connection to the PostgreSQL server and could not reconnect: " +
                     trimmed(PQerrorMessage(pg->conn)) +
                     " (check that the server is running, then try again)",
                 "08006");
        return PJM_PG_RETRY;
    });
}

int pg_exec(pjm_pg* pg, const char* sql, int n_params, const char* const* params,
            pjm_pg_result** result, pjm_pg_error* err) {
    if (result) *result = nullptr;
    return guarded(err, [&] {
        // Without parameters, the simple protocol: it takes several statements (migrations).
        PGresult* r = n_params > 0 ? PQexecParams(pg->conn, sql, n_params, nullptr, params, nullptr,
                                                  nullptr, 0)
                                   : PQexec(pg->conn, sql);
        ExecStatusType st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            try {
                fail_statement(pg, r);
            } catch (...) {
                PQclear(r);
                throw;
            }
        }
        bool none =
            st == PGRES_TUPLES_OK ? PQntuples(r) == 0 : std::strcmp(PQcmdTuples(r), "0") == 0;
        if (result)
            *result = reinterpret_cast<pjm_pg_result*>(r);
        else
            PQclear(r);
        return none ? PJM_PG_NONE : PJM_PG_OK;
    });
}

const PGresult* pq(const pjm_pg_result* r) {
    return reinterpret_cast<const PGresult*>(r);
}

int pg_rows(const pjm_pg_result* r) {
    return PQntuples(pq(r));
}

int pg_columns(const pjm_pg_result* r) {
    return PQnfields(pq(r));
}

const char* pg_value(const pjm_pg_result* r, int row, int column) {
    return PQgetvalue(pq(r), row, column);
}

int pg_is_null(const pjm_pg_result* r, int row, int column) {
    return PQgetisnull(pq(r), row, column);
}

const char* pg_command(const pjm_pg_result* r) {
    // PQcmdStatus takes a non-const pointer but only reads.
    return PQcmdStatus(const_cast<PGresult*>(pq(r)));
}

void pg_free_result(pjm_pg_result* r) {
    PQclear(reinterpret_cast<PGresult*>(r));
}

constexpr pjm_pg_api k_api = {
    pg_connect, pg_close, pg_describe, pg_reconnect, pg_exec,        pg_rows,
    pg_columns, pg_value, pg_is_null,  pg_command,   pg_free_result,
};

} // namespace

} // namespace pjm::store::postgres

extern "C" __attribute__((visibility("default"))) int pjm_module_abi_version(void) {
    return PJM_PG_ABI_VERSION;
}

extern "C" __attribute__((visibility("default"))) const pjm_pg_api* pjm_store_postgres_api(void) {
    return &pjm::store::postgres::k_api;
}
