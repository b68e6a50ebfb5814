// The PostgreSQL backend, built as the module pjm-store-postgres.so: libpq behind the C
// interface of postgres_abi.h. Every entry point catches everything; no exception leaves.
#include "store/postgres/postgres_abi.h"
#include "store/postgres/schema.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <libpq-fe.h>
#include <string>
#include <string_view>
#include <sys/random.h>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

struct pjm_pg {
    PGconn* conn = nullptr;
    bool in_tx = false;
};

namespace pjm::store::postgres {

namespace {

using nlohmann::json;

// A failed call, thrown inside the module and turned into a status code at its edge.
struct Failure {
    int status;
    std::string sqlstate;
    std::string message;
};

[[noreturn]] void fail(std::string message, std::string sqlstate = "") {
    throw Failure{PJM_PG_ERROR, std::move(sqlstate), std::move(message)};
}

class Result {
  public:
    explicit Result(PGresult* r) : m_r(r) {}
    ~Result() { PQclear(m_r); }
    Result(Result&& o) noexcept : m_r(std::exchange(o.m_r, nullptr)) {}
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    Result& operator=(Result&&) = delete;

    int rows() const { return PQntuples(m_r); }
    bool null(int row, int col) const { return PQgetisnull(m_r, row, col) != 0; }
    std::string text(int row, int col) const {
        return std::string(PQgetvalue(m_r, row, col),
                           static_cast<std::size_t>(PQgetlength(m_r, row, col)));
    }
    json optional_text(int row, int col) const {
        return null(row, col) ? json(nullptr) : json(text(row, col));
    }
    std::string affected() const { return PQcmdTuples(m_r); }
    std::string command() const { return PQcmdStatus(m_r); }

  private:
    PGresult* m_r;
};

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

[[noreturn]] void fail_query(pjm_pg* pg, const PGresult* r, std::string_view what) {
    std::string state = diag(r, PG_DIAG_SQLSTATE);
    std::string primary = diag(r, PG_DIAG_MESSAGE_PRIMARY);
    std::string msg = std::string(what) + " failed: ";
    msg += primary.empty() ? trimmed(PQerrorMessage(pg->conn)) : primary;
    if (std::string detail = diag(r, PG_DIAG_MESSAGE_DETAIL); !detail.empty())
        msg += " (" + trimmed(detail) + ")";
    std::string hint = advice(state);
    if (hint.empty() && PQstatus(pg->conn) == CONNECTION_BAD)
        hint = "the connection to the database server was lost; check that it is running, "
               "then try again";
    if (!hint.empty()) msg += "; " + hint;
    // Lost races: the caller rolls back and runs the whole transaction again.
    int status = (state == "40001" || state == "40P01") ? PJM_PG_RETRY : PJM_PG_ERROR;
    throw Failure{status, state, msg};
}

using Params = std::vector<const char*>; // nullptr is SQL NULL

// One statement with text parameters; throws Failure unless it succeeded.
Result exec(pjm_pg* pg, std::string_view what, const char* sql, const Params& params = {}) {
    PGresult* r = PQexecParams(pg->conn, sql, static_cast<int>(params.size()), nullptr,
                               params.data(), nullptr, nullptr, 0);
    Result owned(r);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail_query(pg, r, what);
    return owned;
}

// A read, or BEGIN, outside a transaction: when the connection turns out to have died while
// idle (a restarted server, an idle timeout), connect again and run it once more. Writes are
// not repeated this way: whether a write reached the server before it went is unknowable.
Result exec_idempotent(pjm_pg* pg, std::string_view what, const char* sql,
                       const Params& params = {}) {
    try {
        return exec(pg, what, sql, params);
    } catch (const Failure&) {
        if (pg->in_tx || PQstatus(pg->conn) != CONNECTION_BAD) throw;
        PQreset(pg->conn);
        if (PQstatus(pg->conn) != CONNECTION_OK) throw;
    }
    return exec(pg, what, sql, params);
}

// Several statements without parameters (migrations).
void exec_script(pjm_pg* pg, std::string_view what, const char* sql) {
    PGresult* r = PQexec(pg->conn, sql);
    Result owned(r);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail_query(pg, r, what);
}

// A lost race on a unique key (two creates of the same job) is retried like a deadlock: the
// transaction runs again and then sees the other's row.
template <typename F> void unique_is_retry(F&& f) {
    try {
        f();
    } catch (Failure& e) {
        if (e.sqlstate == "23505") e.status = PJM_PG_RETRY;
        throw;
    }
}

char* dup(const std::string& s) {
    char* p = static_cast<char*>(std::malloc(s.size() + 1));
    if (!p) throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
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
        fill(err, {PJM_PG_ERROR, "", std::string("PostgreSQL backend: ") + e.what()});
        return PJM_PG_ERROR;
    } catch (...) {
        fill(err, {PJM_PG_ERROR, "", "PostgreSQL backend: unknown failure"});
        return PJM_PG_ERROR;
    }
}

// A connection dropped between transactions (a restarted server, an idle timeout) is opened
// again before the next one; inside a transaction a lost connection is an error.
void ensure_connected(pjm_pg* pg) {
    if (pg->in_tx || PQstatus(pg->conn) == CONNECTION_OK) return;
    PQreset(pg->conn);
    if (PQstatus(pg->conn) != CONNECTION_OK)
        fail("lost the connection to the PostgreSQL server and could not reconnect: " +
                 trimmed(PQerrorMessage(pg->conn)) +
                 " (check that the server is running, then try again)",
             "08006");
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

// --- records ---

constexpr const char* k_job_columns =
    "uuid, pipeline_uuid, archive_path, archive_system, archive_patterns, product_patterns, "
    "data, session, agent, task, state, last_event, created, updated, salt, visible, "
    "event_count";

json parse_stored(const std::string& text) {
    return text.empty() ? json::object() : json::parse(text);
}

json read_job(const Result& r, int row) {
    return json{
        {"uuid", r.text(row, 0)},
        {"pipeline_uuid", r.text(row, 1)},
        {"archive_path", r.text(row, 2)},
        {"archive_system", r.optional_text(row, 3)},
        {"archive_patterns", parse_stored(r.text(row, 4))},
        {"product_patterns", parse_stored(r.text(row, 5))},
        {"data", parse_stored(r.text(row, 6))},
        {"session", r.optional_text(row, 7)},
        {"agent", r.optional_text(row, 8)},
        {"task", r.optional_text(row, 9)},
        {"state", r.text(row, 10)},
        {"last_event", r.text(row, 11)},
        {"created", r.text(row, 12)},
        {"updated", r.text(row, 13)},
        {"salt", r.text(row, 14)},
        {"visible", r.text(row, 15) == "t"},
        {"event_count", std::stoll(r.text(row, 16))},
    };
}

// A string field of a record; nullopt when absent or null.
std::optional<std::string> optional_field(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return it->get<std::string>();
}

std::string field(const json& j, const char* key) {
    auto v = optional_field(j, key);
    if (!v) throw std::invalid_argument(std::string("record lacks \"") + key + "\"");
    return *v;
}

const char* param(const std::optional<std::string>& v) {
    return v ? v->c_str() : nullptr;
}

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> buf(bytes);
    std::size_t got = 0;
    while (got < bytes) {
        ssize_t n = getrandom(buf.data() + got, bytes - got, 0);
        if (n < 0) throw std::runtime_error("getrandom failed");
        got += static_cast<std::size_t>(n);
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : buf) {
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

// --- schema ---

int read_version(pjm_pg* pg) {
    if (!pg->in_tx) {
        // The common case in one round trip: the table is there. (Outside a transaction a
        // failed statement costs nothing more.)
        try {
            Result v = exec_idempotent(pg, "reading the schema version",
                                       "SELECT coalesce(max(version), 0) FROM "
                                       "pjm_schema_migrations");
            return std::stoi(v.text(0, 0));
        } catch (const Failure& f) {
            if (f.sqlstate != "42P01") throw; // undefined_table: an empty database
            return 0;
        }
    }
    // Under the migration lock: a plain scan of pg_class under this statement's snapshot.
    // Unlike to_regclass, whose catalog cache may miss a table another session just
    // committed, it sees what the lock's previous holder made.
    Result t = exec(pg, "reading the schema version",
                    "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN "
                    "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = "
                    "'pjm_schema_migrations' AND n.nspname = current_schema())");
    if (t.text(0, 0) != "t") return 0;
    Result v = exec(pg, "reading the schema version",
                    "SELECT coalesce(max(version), 0) FROM pjm_schema_migrations");
    return std::stoi(v.text(0, 0));
}

[[noreturn]] void too_new(int version) {
    fail("the database has schema version " + std::to_string(version) +
         " but this pjm knows only up to " + std::to_string(k_schema_version) + "; upgrade pjm");
}

[[noreturn]] void too_old(int version) {
    fail("the database has schema version " + std::to_string(version) + ", older than this pjm's " +
         std::to_string(k_schema_version) +
         ": run 'pjm db migrate' once (first upgrade every pjm that shares this database: an "
         "older pjm refuses a newer schema)");
}

void begin_tx(pjm_pg* pg, int mode) {
    ensure_connected(pg);
    exec_idempotent(pg, "starting a transaction",
                    mode == PJM_PG_READ ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                        : "BEGIN ISOLATION LEVEL READ COMMITTED");
    pg->in_tx = true;
}

void rollback_tx(pjm_pg* pg) {
    if (!pg->in_tx) return;
    pg->in_tx = false;
    PQclear(PQexec(pg->conn, "ROLLBACK"));
}

void commit_tx(pjm_pg* pg) {
    pg->in_tx = false; // a failed COMMIT ends the transaction too
    Result r = exec(pg, "committing", "COMMIT");
    if (r.command() != "COMMIT")
        fail("the server rolled the transaction back instead of committing it; try again");
}

int update_schema(pjm_pg* pg, int action, int* before, int* after) {
    int version = read_version(pg);
    *before = *after = version;
    if (version > k_schema_version) too_new(version);
    if (version == k_schema_version) return PJM_PG_OK;
    if (version > 0 && action == PJM_PG_SCHEMA_OPEN) too_old(version);
    if (version > 0 && action == PJM_PG_SCHEMA_INIT) return PJM_PG_OK;

    begin_tx(pg, PJM_PG_WRITE);
    try {
        // Concurrent first uses of an empty database: one initializes, the others wait here.
        exec(pg, "locking the schema", "SELECT pg_advisory_xact_lock(7368269)"); // "pjm"
        version = read_version(pg);
        *before = version;
        if (version > k_schema_version) too_new(version);
        if (version > 0 && version < k_schema_version && action == PJM_PG_SCHEMA_OPEN)
            too_old(version);
        if (version == 0)
            exec_script(pg, "creating the schema",
                        "CREATE TABLE pjm_schema_migrations (version integer PRIMARY KEY, "
                        "applied timestamptz NOT NULL DEFAULT now())");
        for (int v = version; v < k_schema_version; ++v) {
            exec_script(pg, "creating the schema", k_migrations[static_cast<std::size_t>(v)]);
            if (v == 0) {
                // Each database gets its own random admin secret, used when none is configured.
                std::string secret = random_hex(32);
                exec(pg, "creating the schema",
                     "INSERT INTO settings (key, value) VALUES ('admin_secret', $1)",
                     {secret.c_str()});
            }
            std::string next = std::to_string(v + 1);
            exec(pg, "creating the schema",
                 "INSERT INTO pjm_schema_migrations (version) VALUES ($1)", {next.c_str()});
        }
        commit_tx(pg);
    } catch (...) {
        rollback_tx(pg);
        throw;
    }
    *after = k_schema_version;
    return PJM_PG_OK;
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
        *out = new pjm_pg{c, false};
        return PJM_PG_OK;
    });
}

void pg_close(pjm_pg* pg) {
    if (!pg) return;
    PQfinish(pg->conn);
    delete pg;
}

void pg_free_text(char* text) {
    std::free(text);
}

int pg_schema(pjm_pg* pg, int action, int* before, int* after, pjm_pg_error* err) {
    return guarded(err, [&] {
        ensure_connected(pg);
        return update_schema(pg, action, before, after);
    });
}

int pg_schema_version() {
    return k_schema_version;
}

int pg_describe(pjm_pg* pg, char** out, pjm_pg_error* err) {
    return guarded(err, [&] {
        std::string host = PQhost(pg->conn) ? PQhost(pg->conn) : "";
        std::string text =
            std::string("postgresql://") + (PQuser(pg->conn) ? PQuser(pg->conn) : "");
        if (!host.empty() && host[0] == '/') // a Unix socket folder
            text += "@:" + std::string(PQport(pg->conn)) + "/" + PQdb(pg->conn) + "?host=" + host;
        else
            text += "@" + host + ":" + PQport(pg->conn) + "/" + PQdb(pg->conn);
        *out = dup(text);
        return PJM_PG_OK;
    });
}

int pg_begin(pjm_pg* pg, int mode, pjm_pg_error* err) {
    return guarded(err, [&] {
        if (pg->in_tx) fail("a transaction is already open on this connection");
        begin_tx(pg, mode);
        return PJM_PG_OK;
    });
}

int pg_commit(pjm_pg* pg, pjm_pg_error* err) {
    return guarded(err, [&] {
        commit_tx(pg);
        return PJM_PG_OK;
    });
}

void pg_rollback(pjm_pg* pg) {
    guarded(nullptr, [&] {
        rollback_tx(pg);
        return PJM_PG_OK;
    });
}

int pg_get_job(pjm_pg* pg, const char* uuid, int flags, char** out, pjm_pg_error* err) {
    return guarded(err, [&] {
        ensure_connected(pg);
        std::string sql = std::string("SELECT ") + k_job_columns + " FROM jobs WHERE uuid = $1";
        if (flags & PJM_PG_JOB_FOR_UPDATE) sql += " FOR UPDATE";
        Result r = exec_idempotent(pg, "reading a job", sql.c_str(), {uuid});
        if (r.rows() == 0) return PJM_PG_NONE;
        json job = read_job(r, 0);
        if (flags & PJM_PG_JOB_WITH_HISTORY) {
            Result h = exec(pg, "reading a job's history",
                            "SELECT uuid, name, date, data FROM history WHERE job_uuid = $1 "
                            "ORDER BY seq",
                            {uuid});
            json history = json::array();
            for (int i = 0; i < h.rows(); ++i)
                history.push_back({{"uuid", h.text(i, 0)},
                                   {"name", h.text(i, 1)},
                                   {"date", h.text(i, 2)},
                                   {"data", parse_stored(h.text(i, 3))}});
            job["history"] = std::move(history);
        }
        *out = dup(job.dump());
        return PJM_PG_OK;
    });
}

int pg_find_jobs(pjm_pg* pg, const char* filter_text, char** out, pjm_pg_error* err) {
    return guarded(err, [&] {
        ensure_connected(pg);
        json f = json::parse(filter_text);
        std::string sql = std::string("SELECT ") + k_job_columns + " FROM jobs WHERE true";
        std::vector<std::string> values;
        auto bind = [&](std::string v) {
            values.push_back(std::move(v));
            return "$" + std::to_string(values.size());
        };
        if (auto s = optional_field(f, "state")) sql += " AND state = " + bind(*s);
        if (auto p = optional_field(f, "pipeline_uuid")) sql += " AND pipeline_uuid = " + bind(*p);
        if (!f.value("include_hidden", false)) sql += " AND visible";
        sql += " ORDER BY updated DESC, uuid";
        if (auto limit = f.value("limit", std::int64_t{0}); limit > 0)
            sql += " LIMIT " + bind(std::to_string(limit));
        Params params;
        for (const auto& v : values)
            params.push_back(v.c_str());
        Result r = exec_idempotent(pg, "listing jobs", sql.c_str(), params);
        json jobs = json::array();
        for (int i = 0; i < r.rows(); ++i)
            jobs.push_back(read_job(r, i));
        *out = dup(jobs.dump());
        return PJM_PG_OK;
    });
}

int pg_insert_job(pjm_pg* pg, const char* job_text, pjm_pg_error* err) {
    return guarded(err, [&] {
        json j = json::parse(job_text);
        const json& history = j.at("history");
        std::string uuid = field(j, "uuid"), pipeline = field(j, "pipeline_uuid"),
                    path = field(j, "archive_path"), state = field(j, "state"),
                    last = field(j, "last_event"), created = field(j, "created"),
                    updated = field(j, "updated"), salt = field(j, "salt");
        auto system = optional_field(j, "archive_system"), session = optional_field(j, "session"),
             agent = optional_field(j, "agent"), task = optional_field(j, "task");
        std::string archive = j.value("archive_patterns", json::array()).dump(),
                    product = j.value("product_patterns", json::array()).dump(),
                    data = j.value("data", json::object()).dump(),
                    visible = j.value("visible", true) ? "t" : "f",
                    count = std::to_string(history.size());
        json entries = json::array();
        for (const auto& e : history)
            entries.push_back({{"uuid", e.at("uuid")},
                               {"name", e.at("name")},
                               {"date", e.at("date")},
                               {"data", e.value("data", json::object())}});
        std::string entries_text = entries.dump();
        unique_is_retry([&] {
            exec(pg, "inserting a job",
                 "INSERT INTO jobs (uuid, pipeline_uuid, archive_path, archive_system, "
                 "archive_patterns, product_patterns, data, session, agent, task, state, "
                 "last_event, created, updated, salt, visible, event_count) VALUES ($1, $2, $3, "
                 "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
                 {uuid.c_str(), pipeline.c_str(), path.c_str(), param(system), archive.c_str(),
                  product.c_str(), data.c_str(), param(session), param(agent), param(task),
                  state.c_str(), last.c_str(), created.c_str(), updated.c_str(), salt.c_str(),
                  visible.c_str(), count.c_str()});
            // All entries in one statement; the json type keeps each data text as written.
            exec(pg, "inserting a job's history",
                 "INSERT INTO history (job_uuid, seq, uuid, name, date, data) "
                 "SELECT $1, e.ord, e.v->>'uuid', e.v->>'name', e.v->>'date', "
                 "(e.v->'data')::text FROM json_array_elements($2::json) WITH ORDINALITY AS "
                 "e(v, ord)",
                 {uuid.c_str(), entries_text.c_str()});
        });
        return PJM_PG_OK;
    });
}

int pg_append_event(pjm_pg* pg, const char* job_uuid, std::int64_t seq, const char* state,
                    const char* entry_text, pjm_pg_error* err) {
    return guarded(err, [&] {
        json e = json::parse(entry_text);
        std::string seq_text = std::to_string(seq), uuid = field(e, "uuid"),
                    name = field(e, "name"), date = field(e, "date"),
                    data = e.value("data", json::object()).dump();
        unique_is_retry([&] {
            Result r = exec(pg, "appending an event",
                            "WITH h AS (INSERT INTO history (job_uuid, seq, uuid, name, date, "
                            "data) VALUES ($1, $2, $3, $4, $5, $6)) "
                            "UPDATE jobs SET state = $7, last_event = $4, updated = $5, "
                            "event_count = $2 WHERE uuid = $1",
                            {job_uuid, seq_text.c_str(), uuid.c_str(), name.c_str(), date.c_str(),
                             data.c_str(), state});
            if (r.affected() != "1") fail(std::string("job ") + job_uuid + " vanished");
        });
        return PJM_PG_OK;
    });
}

int pg_hide_job(pjm_pg* pg, const char* uuid, const char* updated, pjm_pg_error* err) {
    return guarded(err, [&] {
        exec(pg, "hiding a job", "UPDATE jobs SET visible = false, updated = $2 WHERE uuid = $1",
             {uuid, updated});
        return PJM_PG_OK;
    });
}

int pg_remove_job(pjm_pg* pg, const char* uuid, pjm_pg_error* err) {
    return guarded(err, [&] {
        exec(pg, "removing a job's history", "DELETE FROM history WHERE job_uuid = $1", {uuid});
        exec(pg, "removing a job", "DELETE FROM jobs WHERE uuid = $1", {uuid});
        return PJM_PG_OK;
    });
}

json read_pipeline(const Result& r, int row) {
    return {{"uuid", r.text(row, 0)},
            {"name", r.text(row, 1)},
            {"description", r.text(row, 2)},
            {"created", r.text(row, 3)}};
}

int pg_add_pipeline(pjm_pg* pg, const char* text, pjm_pg_error* err) {
    return guarded(err, [&] {
        ensure_connected(pg);
        json p = json::parse(text);
        std::string uuid = field(p, "uuid"), name = field(p, "name"),
                    description = p.value("description", ""), created = field(p, "created");
        Result r = exec(pg, "registering a pipeline",
                        "INSERT INTO pipelines (uuid, name, description, created) "
                        "VALUES ($1, $2, $3, $4) ON CONFLICT (uuid) DO NOTHING",
                        {uuid.c_str(), name.c_str(), description.c_str(), created.c_str()});
        return r.affected() == "1" ? PJM_PG_OK : PJM_PG_NONE;
    });
}

int pg_get_pipeline(pjm_pg* pg, const char* uuid, char** out, pjm_pg_error* err) {
    return guarded(err, [&] {
        ensure_connected(pg);
        Result r = exec_idempotent(
            pg, "reading a pipeline",
            "SELECT uuid, name, description, created FROM pipelines WHERE uuid = $1", {uuid});
        if (r.rows() == 0) return PJM_PG_NONE;
        *out = dup(read_pipeline(r, 0).dump());
        return PJM_PG_OK;
    });
}

int pg_list_pipelines(pjm_pg* pg, char** out, pjm_pg_error* err) {
    return guarded(err, [&] {
        ensure_connected(pg);
        Result r = exec_idempotent(pg, "listing pipelines",
                                   "SELECT uuid, name, description, created FROM pipelines "
                                   "ORDER BY name, uuid");
        json all = json::array();
        for (int i = 0; i < r.rows(); ++i)
            all.push_back(read_pipeline(r, i));
        *out = dup(all.dump());
        return PJM_PG_OK;
    });
}

int pg_get_setting(pjm_pg* pg, const char* key, char** out, pjm_pg_error* err) {
    return guarded(err, [&] {
        ensure_connected(pg);
        Result r = exec_idempotent(pg, "reading a setting",
                                   "SELECT value FROM settings WHERE key = $1", {key});
        if (r.rows() == 0) return PJM_PG_NONE;
        *out = dup(r.text(0, 0));
        return PJM_PG_OK;
    });
}

int pg_set_setting(pjm_pg* pg, const char* key, const char* value, pjm_pg_error* err) {
    return guarded(err, [&] {
        ensure_connected(pg);
        exec(pg, "writing a setting",
             "INSERT INTO settings (key, value) VALUES ($1, $2) "
             "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
             {key, value});
        return PJM_PG_OK;
    });
}

int pg_add_execution(pjm_pg* pg, const char* text, pjm_pg_error* err) {
    return guarded(err, [&] {
        ensure_connected(pg);
        json e = json::parse(text);
        std::string id = field(e, "id"), actor = field(e, "actor_id"), status = field(e, "status"),
                    code = std::to_string(e.at("exit_code").get<int>()),
                    start = field(e, "start_time"), end = field(e, "end_time"),
                    kind = field(e, "message_kind"), job = field(e, "job_uuid"),
                    log = field(e, "log");
        exec(pg, "recording an execution",
             "INSERT INTO executions (id, actor_id, status, exit_code, start_time, end_time, "
             "message_kind, job_uuid, log) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
             {id.c_str(), actor.c_str(), status.c_str(), code.c_str(), start.c_str(), end.c_str(),
              kind.c_str(), job.c_str(), log.c_str()});
        return PJM_PG_OK;
    });
}

int pg_get_execution(pjm_pg* pg, const char* id, char** out, pjm_pg_error* err) {
    return guarded(err, [&] {
        ensure_connected(pg);
        Result r = exec_idempotent(pg, "reading an execution",
                                   "SELECT id, actor_id, status, exit_code, start_time, end_time, "
                                   "message_kind, job_uuid, log FROM executions WHERE id = $1",
                                   {id});
        if (r.rows() == 0) return PJM_PG_NONE;
        json e = {{"id", r.text(0, 0)},           {"actor_id", r.text(0, 1)},
                  {"status", r.text(0, 2)},       {"exit_code", std::stoi(r.text(0, 3))},
                  {"start_time", r.text(0, 4)},   {"end_time", r.text(0, 5)},
                  {"message_kind", r.text(0, 6)}, {"job_uuid", r.text(0, 7)},
                  {"log", r.text(0, 8)}};
        *out = dup(e.dump());
        return PJM_PG_OK;
    });
}

int pg_savepoint(pjm_pg* pg, int action, pjm_pg_error* err) {
    return guarded(err, [&] {
        if (!pg->in_tx) fail("a savepoint needs an open transaction");
        switch (action) {
        case PJM_PG_SAVEPOINT:
            exec(pg, "starting a message", "SAVEPOINT pjm_message");
            break;
        case PJM_PG_RELEASE:
            exec(pg, "keeping a message", "RELEASE SAVEPOINT pjm_message");
            break;
        default:
            exec(pg, "undoing a message", "ROLLBACK TO SAVEPOINT pjm_message");
            exec(pg, "undoing a message", "RELEASE SAVEPOINT pjm_message");
        }
        return PJM_PG_OK;
    });
}

constexpr pjm_pg_api k_api = {
    pg_connect,       pg_close,         pg_free_text,      pg_schema,      pg_schema_version,
    pg_describe,      pg_begin,         pg_commit,         pg_rollback,    pg_get_job,
    pg_find_jobs,     pg_insert_job,    pg_append_event,   pg_hide_job,    pg_remove_job,
    pg_add_pipeline,  pg_get_pipeline,  pg_list_pipelines, pg_get_setting, pg_set_setting,
    pg_add_execution, pg_get_execution, pg_savepoint,
};

} // namespace

} // namespace pjm::store::postgres

extern "C" __attribute__((visibility("default"))) int pjm_module_abi_version(void) {
    return PJM_PG_ABI_VERSION;
}

extern "C" __attribute__((visibility("default"))) const pjm_pg_api* pjm_store_postgres_api(void) {
    return &pjm::store::postgres::k_api;
}
