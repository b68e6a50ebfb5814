#include "store/postgres/postgres_store.hpp"

#include "core/random.hpp"
#include "store/columns.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/schema.hpp"

#include <chrono>
#include <optional>
#include <random>
#include <thread>
#include <tuple>
#include <utility>

namespace pjm::store::postgres {

namespace {

using core::StorageError;
using nlohmann::json;
using Mode = Connection::Mode;

// --- rows and parameters ---

// A column's value as the server sent it.
Value cell(const Result& r, int row, int column, ColumnType type) {
    if (r.null(row, column)) return std::monostate{};
    std::string text = r.text(row, column);
    if (type == ColumnType::boolean) return std::int64_t{text == "t" ? 1 : 0};
    if (type != ColumnType::integer) return text;
    try {
        return std::int64_t{std::stoll(text)};
    } catch (const std::exception&) {
        throw StorageError("the database holds '" + text + "' where a number belongs");
    }
}

template <typename Record> Record read_row(Columns<Record> columns, const Result& r, int row) {
    return read_record(columns,
                       [&](int column, ColumnType type) { return cell(r, row, column, type); });
}

// Text parameters of one statement; add() returns the placeholder ("$3") to put in the SQL.
class Binds {
  public:
    std::string add(std::optional<std::string> text) {
        m_values.push_back(std::move(text));
        return "$" + std::to_string(m_values.size());
    }
    std::string add(std::string text) { return add(std::optional<std::string>(std::move(text))); }
    std::string add(const Value& v, ColumnType type) {
        if (std::holds_alternative<std::monostate>(v)) return add(std::nullopt);
        if (const auto* s = std::get_if<std::string>(&v)) return add(*s);
        std::int64_t i = std::get<std::int64_t>(v);
        return add(type == ColumnType::boolean ? (i ? "t" : "f") : std::to_string(i));
    }
    // A record's values in column order; the placeholders they take ("$1, $2, …").
    template <typename Record> std::string add(Columns<Record> columns, const Record& record) {
        std::string out;
        std::size_t i = 0;
        for (const auto& v : values_of(columns, record)) {
            if (!out.empty()) out += ", ";
            out += add(v, columns[i++].type);
        }
        return out;
    }
    // Valid until the next add().
    Params params() const {
        Params p;
        for (const auto& v : m_values)
            p.push_back(v ? v->c_str() : nullptr);
        return p;
    }

  private:
    std::vector<std::optional<std::string>> m_values;
};

const std::string& job_select() {
    static const std::string sql = "SELECT " + column_list(job_columns()) + " FROM jobs";
    return sql;
}

const std::string& pipeline_select() {
    static const std::string sql = "SELECT " + column_list(pipeline_columns()) + " FROM pipelines";
    return sql;
}

// --- schema ---

std::string random_hex(std::size_t bytes) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t c : core::random_bytes(bytes)) {
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

int read_version(Connection& c) {
    if (!c.in_transaction()) {
        // The common case in one round trip: the table is there. (Outside a transaction a
        // failed statement costs nothing more.)
        try {
            Result v = c.exec_idempotent("reading the schema version",
                                         "SELECT coalesce(max(version), 0) FROM "
                                         "pjm_schema_migrations");
            return std::stoi(v.text(0, 0));
        } catch (const StatementError& e) {
            if (e.sqlstate() != "42P01") throw; // undefined_table: an empty database
            return 0;
        }
    }
    // Under the migration lock: a plain scan of pg_class under this statement's snapshot.
    // Unlike to_regclass, whose catalog cache may miss a table another session just
    // committed, it sees what the lock's previous holder made.
    Result t = c.exec("reading the schema version",
                      "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN "
                      "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = "
                      "'pjm_schema_migrations' AND n.nspname = current_schema())");
    if (t.text(0, 0) != "t") return 0;
    Result v = c.exec("reading the schema version",
                      "SELECT coalesce(max(version), 0) FROM pjm_schema_migrations");
    return std::stoi(v.text(0, 0));
}

[[noreturn]] void too_new(int version) {
    throw StorageError("the database has schema version " + std::to_string(version) +
                       " but this pjm knows only up to " + std::to_string(k_schema_version) +
                       "; upgrade pjm");
}

[[noreturn]] void too_old(int version) {
    throw StorageError("the database has schema version " + std::to_string(version) +
                       ", older than this pjm's " + std::to_string(k_schema_version) +
                       ": run 'pjm db migrate' once (first upgrade every pjm that shares this "
                       "database: an older pjm refuses a newer schema)");
}

enum class SchemaAction {
    open,    // initialize an empty database; refuse any other version
    init,    // initialize an empty database; report the version of others
    migrate, // bring the schema up to this pjm's version
};

// Checks or updates the schema; returns the versions found and left.
std::pair<int, int> update_schema(Connection& c, SchemaAction action) {
    int version = read_version(c);
    if (version > k_schema_version) too_new(version);
    if (version == k_schema_version) return {version, version};
    if (version > 0 && action == SchemaAction::open) too_old(version);
    if (version > 0 && action == SchemaAction::init) return {version, version};

    c.begin(Mode::write);
    try {
        // Concurrent first uses of an empty database: one initializes, the others wait here.
        c.exec("locking the schema", "SELECT pg_advisory_xact_lock(7368269)"); // "pjm"
        version = read_version(c);
        if (version > k_schema_version) too_new(version);
        if (version > 0 && version < k_schema_version && action == SchemaAction::open)
            too_old(version);
        if (version == 0)
            c.exec("creating the schema",
                   "CREATE TABLE pjm_schema_migrations (version integer PRIMARY KEY, "
                   "applied timestamptz NOT NULL DEFAULT now())");
        for (int v = version; v < k_schema_version; ++v) {
            c.exec("creating the schema", k_migrations[static_cast<std::size_t>(v)]);
            if (v == 0) {
                // Each database gets its own random admin secret, used when none is configured.
                std::string secret = random_hex(32);
                c.exec("creating the schema",
                       "INSERT INTO settings (key, value) VALUES ('admin_secret', $1)",
                       {secret.c_str()});
            }
            std::string next = std::to_string(v + 1);
            c.exec("creating the schema", "INSERT INTO pjm_schema_migrations (version) VALUES ($1)",
                   {next.c_str()});
        }
        c.commit();
    } catch (...) {
        c.rollback();
        throw;
    }
    return {version, k_schema_version};
}

// --- transactions that lose races ---

constexpr int k_max_attempts = 50;

void back_off(int attempt) {
    // Jittered exponential back-off, 1 ms up to 100 ms, so racing writers spread out.
    thread_local std::minstd_rand rng(std::random_device{}());
    int cap = std::min(100, 1 << std::min(attempt, 7));
    std::uniform_int_distribution<int> us(0, cap * 1000);
    std::this_thread::sleep_for(std::chrono::microseconds(us(rng)));
}

class PostgresStore final : public Database, private core::StorageTx {
  public:
    explicit PostgresStore(const std::string& url) : m_conn(url) {
        update_schema(m_conn, SchemaAction::open);
        m_describe = m_conn.describe();
    }

    // One transaction; a lost race rolls it back and runs `fn` again.
    void write(const std::function<bool(core::StorageTx&)>& fn) override {
        if (m_batch) return write_in_batch(fn);
        std::string last;
        for (int attempt = 1; attempt <= k_max_attempts; ++attempt) {
            m_conn.begin(Mode::write);
            bool commit = false;
            try {
                commit = fn(*this);
            } catch (const LostRace& r) {
                m_conn.rollback();
                last = r.message;
                back_off(attempt);
                continue;
            } catch (...) {
                m_conn.rollback();
                throw;
            }
            if (!commit) {
                m_conn.rollback();
                return;
            }
            try {
                m_conn.commit(Race::retry);
            } catch (const LostRace& r) { // the server rolled it back: run it again
                last = r.message;
                back_off(attempt);
                continue;
            }
            return;
        }
        throw StorageError("gave up after " + std::to_string(k_max_attempts) +
                           " attempts that each lost a race with other writers (last: " + last +
                           "); try again");
    }

    // Group commit (pjm serve): one transaction for many messages, a savepoint each. A lost
    // race inside it (a deadlock with another server's batch, say) cannot be undone message by
    // message, since the batch keeps the rows its earlier messages locked: the whole batch
    // rolls back and runs again, which `fn` allows (nothing of it has been answered yet).
    void write_batch(const std::function<void()>& fn) override {
        if (m_batch) throw StorageError("write_batch cannot nest");
        std::string last;
        for (int attempt = 1; attempt <= k_max_attempts; ++attempt) {
            m_conn.begin(Mode::write);
            m_batch = true;
            try {
                fn();
            } catch (const LostRace& r) {
                m_batch = false;
                m_conn.rollback();
                last = r.message;
                back_off(attempt);
                continue;
            } catch (...) {
                m_batch = false;
                m_conn.rollback();
                throw;
            }
            m_batch = false;
            try {
                m_conn.commit(Race::retry);
            } catch (const LostRace& r) {
                last = r.message;
                back_off(attempt);
                continue;
            } catch (const StorageError& e) {
                throw StorageError(std::string(e.what()) + "; nothing of the batch was saved");
            }
            return;
        }
        throw StorageError("gave up after " + std::to_string(k_max_attempts) +
                           " attempts of a batch that each lost a race with other writers "
                           "(last: " +
                           last + "); nothing of the batch was saved");
    }

    std::optional<core::Job> get_job(const std::string& uuid,
                                     const core::HistoryWindow& window) override {
        if (window.limit == 0) {
            Result r = m_conn.exec_idempotent("reading a job", job_select() + " WHERE uuid = $1",
                                              {uuid.c_str()});
            if (r.rows() == 0) return std::nullopt;
            return read_row(job_columns(), r, 0);
        }
        // One read-only snapshot so the job row and its history agree.
        m_conn.begin(Mode::read);
        try {
            Result r =
                m_conn.exec("reading a job", job_select() + " WHERE uuid = $1", {uuid.c_str()});
            std::optional<core::Job> job;
            if (r.rows() > 0) {
                job = read_row(job_columns(), r, 0);
                read_history(*job, window);
            }
            m_conn.commit();
            return job;
        } catch (...) {
            m_conn.rollback();
            throw;
        }
    }

    std::vector<core::Job> find_jobs(const core::JobFilter& f) override {
        Binds b;
        std::string sql = job_select() + " WHERE true";
        if (f.state) sql += " AND state = " + b.add(std::string(core::to_string(*f.state)));
        if (f.pipeline_uuid) sql += " AND pipeline_uuid = " + b.add(*f.pipeline_uuid);
        // A range on the primary key (COLLATE "C"): UUIDs hold only hex digits and dashes, all
        // below '~', so [prefix, prefix~) is exactly the UUIDs that start with it.
        if (f.uuid_prefix)
            sql += " AND uuid >= " + b.add(*f.uuid_prefix) + " AND uuid < " +
                   b.add(*f.uuid_prefix + "~");
        if (f.after_updated) {
            std::string u = b.add(*f.after_updated);
            sql += " AND (updated < " + u + " OR (updated = " + u + " AND uuid > " +
                   b.add(f.after_uuid.value_or("")) + "))";
        }
        if (f.since) sql += " AND updated >= " + b.add(*f.since);
        if (f.until) sql += " AND updated < " + b.add(*f.until);
        if (!f.include_hidden) sql += " AND visible";
        sql += " ORDER BY updated DESC, uuid";
        if (f.limit > 0) sql += " LIMIT " + b.add(std::to_string(f.limit));
        Result r = m_conn.exec_idempotent("listing jobs", sql, b.params());
        std::vector<core::Job> out;
        for (int i = 0; i < r.rows(); ++i)
            out.push_back(read_row(job_columns(), r, i));
        return out;
    }

    std::vector<std::pair<core::State, std::int64_t>>
    count_jobs(const core::JobFilter& f) override {
        Binds b;
        // The jobs themselves: a table of counts kept by triggers (as SQLite's) made every
        // state change update the same few rows, which PostgreSQL pays for with a new row
        // version each time (bench/job_counts_cost.sh: 2.6 times slower). pjm serve keeps
        // what this answers for a moment instead (server/routes_jobs.cpp).
        std::string sql = "SELECT state, count(*) FROM jobs WHERE true";
        if (f.pipeline_uuid) sql += " AND pipeline_uuid = " + b.add(*f.pipeline_uuid);
        if (f.since) sql += " AND updated >= " + b.add(*f.since);
        if (f.until) sql += " AND updated < " + b.add(*f.until);
        if (!f.include_hidden) sql += " AND visible";
        sql += " GROUP BY state";
        Result r = m_conn.exec_idempotent("counting jobs", sql, b.params());
        int i = 0;
        return state_counts([&](std::string& state, std::int64_t& n) {
            if (i >= r.rows()) return false;
            state = r.text(i, 0);
            n = std::stoll(r.text(i, 1));
            ++i;
            return true;
        });
    }

    bool add_pipeline(const core::Pipeline& p) override {
        static const std::string columns = column_list(pipeline_columns());
        Binds b;
        std::string values = b.add(pipeline_columns(), p);
        Result r = m_conn.exec("registering a pipeline",
                               "INSERT INTO pipelines (" + columns + ") VALUES (" + values +
                                   ") ON CONFLICT (uuid) DO NOTHING",
                               b.params());
        return !r.none();
    }

    std::optional<core::Pipeline> get_pipeline(const std::string& uuid) override {
        Result r = m_conn.exec_idempotent("reading a pipeline",
                                          pipeline_select() + " WHERE uuid = $1", {uuid.c_str()});
        if (r.rows() == 0) return std::nullopt;
        return read_row(pipeline_columns(), r, 0);
    }

    std::vector<core::Pipeline> list_pipelines() override {
        Result r =
            m_conn.exec_idempotent("listing pipelines", pipeline_select() + " ORDER BY name, uuid");
        std::vector<core::Pipeline> out;
        for (int i = 0; i < r.rows(); ++i)
            out.push_back(read_row(pipeline_columns(), r, i));
        return out;
    }

    std::optional<std::string> get_setting(const std::string& key) override {
        Result r = m_conn.exec_idempotent(
            "reading a setting", "SELECT value FROM settings WHERE key = $1", {key.c_str()});
        if (r.rows() == 0) return std::nullopt;
        return r.text(0, 0);
    }

    void set_setting(const std::string& key, const std::string& value) override {
        m_conn.exec("writing a setting",
                    "INSERT INTO settings (key, value) VALUES ($1, $2) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    {key.c_str(), value.c_str()});
    }

    // Inside a batch it joins the batch's transaction. A lost race there (another replica
    // recorded the same Idempotency-Key's execution first: 23505) runs the whole batch again,
    // which then finds that execution and answers from it, instead of failing the batch.
    void add_execution(const Execution& e) override {
        static const std::string columns = column_list(execution_columns());
        Binds b;
        std::string values = b.add(execution_columns(), e);
        m_conn.exec("recording an execution",
                    "INSERT INTO executions (" + columns + ") VALUES (" + values + ")", b.params(),
                    m_batch ? Race::retry : Race::fail);
    }

    std::optional<Execution> get_execution(const std::string& id) override {
        static const std::string sql =
            "SELECT " + column_list(execution_columns()) + " FROM executions WHERE id = $1";
        Result r = m_conn.exec_idempotent("reading an execution", sql, {id.c_str()});
        if (r.rows() == 0) return std::nullopt;
        return read_row(execution_columns(), r, 0);
    }

    store::ExecutionPage list_executions(const std::string& actor_id, std::size_t limit,
                                         std::size_t offset) override {
        static const std::string page_sql = "SELECT " + column_list(execution_columns()) +
                                            " FROM executions WHERE actor_id = $1 ORDER BY "
                                            "start_time DESC, id DESC LIMIT $2 OFFSET $3";
        std::string n = std::to_string(clamped(limit)), skip = std::to_string(clamped(offset));
        store::ExecutionPage page;
        // One read-only snapshot: the page and the totals agree.
        m_conn.begin(Mode::read);
        try {
            Result r = m_conn.exec("reading executions", page_sql,
                                   {actor_id.c_str(), n.c_str(), skip.c_str()});
            for (int i = 0; i < r.rows(); ++i)
                page.executions.push_back(read_row(execution_columns(), r, i));
            Result t = m_conn.exec("reading execution totals",
                                   "SELECT coalesce(sum(executions), 0), coalesce(sum(runtime), 0) "
                                   "FROM execution_totals WHERE actor_id = $1",
                                   {actor_id.c_str()});
            page.total = std::stoll(t.text(0, 0));
            page.total_runtime = std::stoll(t.text(0, 1));
            m_conn.commit();
        } catch (...) {
            m_conn.rollback();
            throw;
        }
        return page;
    }

    std::vector<Execution> list_job_executions(const std::string& actor_id,
                                               const std::string& job_uuid,
                                               std::size_t limit) override {
        static const std::string sql = "SELECT " + column_list(execution_columns()) +
                                       " FROM executions WHERE job_uuid = $1 AND actor_id = $2 "
                                       "ORDER BY start_time DESC, id DESC LIMIT $3";
        std::string n = std::to_string(clamped(limit));
        Result r = m_conn.exec_idempotent("reading a job's executions", sql,
                                          {job_uuid.c_str(), actor_id.c_str(), n.c_str()});
        std::vector<Execution> out;
        for (int i = 0; i < r.rows(); ++i)
            out.push_back(read_row(execution_columns(), r, i));
        return out;
    }

    std::size_t prune_executions(const std::string& started_before, std::size_t at_most) override {
        std::string n = std::to_string(clamped(at_most));
        Result r = m_conn.exec(
            "deleting old executions",
            "WITH gone AS (DELETE FROM executions WHERE id IN (SELECT id FROM executions WHERE "
            "start_time < $1 ORDER BY start_time LIMIT $2) RETURNING 1) SELECT count(*) FROM gone",
            {started_before.c_str(), n.c_str()});
        return static_cast<std::size_t>(std::stoull(r.text(0, 0)));
    }

    std::string describe() const override { return m_describe; }

    void refresh_statistics() override {
        m_conn.exec("refreshing the planner's statistics", "ANALYZE jobs, history, pipelines");
    }

  private:
    // --- StorageTx: called only inside write(); a LostRace unwinds to write() ---
    std::optional<core::Job> load_job_for_update(const std::string& uuid) override {
        Result r = m_conn.exec("reading a job", job_select() + " WHERE uuid = $1 FOR UPDATE",
                               {uuid.c_str()}, Race::retry);
        if (r.rows() == 0) return std::nullopt;
        return read_row(job_columns(), r, 0);
    }

    std::optional<core::Pipeline> find_pipeline(const std::string& uuid) override {
        Result r = m_conn.exec("reading a pipeline", pipeline_select() + " WHERE uuid = $1",
                               {uuid.c_str()}, Race::retry);
        if (r.rows() == 0) return std::nullopt;
        return read_row(pipeline_columns(), r, 0);
    }

    // The history row `seq` and the job row's state, last_event, updated and event_count, in
    // one statement.
    void append_event(const core::Job& job, const core::HistoryEntry& e,
                      core::State next) override {
        static const std::string columns = column_list(history_columns());
        Binds b;
        std::string uuid = b.add(job.uuid), seq = b.add(std::to_string(job.event_count + 1));
        std::string values = b.add(history_columns(), e);
        std::string state = b.add(std::string(core::to_string(next))), name = b.add(e.name),
                    date = b.add(e.date);
        Result r = m_conn.exec("appending an event",
                               "WITH h AS (INSERT INTO history (job_uuid, seq, " + columns +
                                   ") VALUES (" + uuid + ", " + seq + ", " + values +
                                   ")) UPDATE jobs SET state = " + state +
                                   ", last_event = " + name + ", updated = " + date +
                                   ", event_count = " + seq + " WHERE uuid = " + uuid,
                               b.params(), Race::retry);
        if (r.none()) throw StorageError("job " + job.uuid + " vanished");
    }

    // The job row, then all its history entries in one statement.
    void insert_job(const core::Job& job) override {
        static const std::string columns = column_list(job_columns());
        static const std::string history_sql = [] {
            // Each entry is a JSON object of its columns' texts, taken apart by the server.
            std::string select;
            for (const auto& c : history_columns()) {
                std::string text = "e.v->>'" + std::string(c.name) + "'";
                if (c.type == ColumnType::integer) text = "(" + text + ")::bigint";
                if (c.type == ColumnType::boolean) text = "(" + text + ")::boolean";
                select += ", " + text;
            }
            return "INSERT INTO history (job_uuid, seq, " + column_list(history_columns()) +
                   ") SELECT $1, e.ord" + select +
                   " FROM json_array_elements($2::json) WITH ORDINALITY AS e(v, ord)";
        }();
        Binds b;
        std::string values = b.add(job_columns(), job);
        m_conn.exec("inserting a job", "INSERT INTO jobs (" + columns + ") VALUES (" + values + ")",
                    b.params(), Race::retry);
        json entries = json::array();
        for (const auto& e : job.history) {
            json entry = json::object();
            std::size_t i = 0;
            for (const auto& v : values_of(history_columns(), e)) {
                const auto& name = history_columns()[i++].name;
                if (const auto* s = std::get_if<std::string>(&v))
                    entry[std::string(name)] = *s;
                else if (const auto* n = std::get_if<std::int64_t>(&v))
                    entry[std::string(name)] = std::to_string(*n);
                else
                    entry[std::string(name)] = nullptr;
            }
            entries.push_back(std::move(entry));
        }
        std::string entries_text = entries.dump();
        m_conn.exec("inserting a job's history", history_sql,
                    {job.uuid.c_str(), entries_text.c_str()}, Race::retry);
    }

    void hide_job(const std::string& uuid, const std::string& updated) override {
        m_conn.exec("hiding a job", "UPDATE jobs SET visible = false, updated = $2 WHERE uuid = $1",
                    {uuid.c_str(), updated.c_str()}, Race::retry);
    }

    std::optional<std::string> find_receipt(const std::string& job_uuid,
                                            const std::string& key) override {
        Result r = m_conn.exec("reading a callback receipt",
                               "SELECT entry_uuid FROM callback_receipts WHERE job_uuid = $1 AND "
                               "dedupe_key = $2",
                               {job_uuid.c_str(), key.c_str()}, Race::retry);
        if (r.rows() == 0) return std::nullopt;
        return r.text(0, 0);
    }

    // Two servers recording the same notification at once: the second insert loses the race
    // (23505), its transaction runs again and finds the first one's receipt.
    void add_receipt(const std::string& job_uuid, const std::string& key,
                     const std::string& entry_uuid, const std::string& received) override {
        m_conn.exec("recording a callback receipt",
                    "INSERT INTO callback_receipts (job_uuid, dedupe_key, entry_uuid, received) "
                    "VALUES ($1, $2, $3, $4)",
                    {job_uuid.c_str(), key.c_str(), entry_uuid.c_str(), received.c_str()},
                    Race::retry);
    }

    void add_claim(const std::string& key, const core::SchedulerClaim& claim) override {
        m_conn.exec("recording a scheduler claim",
                    "INSERT INTO scheduler_claims (claim_key, job_uuid, cluster, claimed) "
                    "VALUES ($1, $2, $3, $4) ON CONFLICT (claim_key, job_uuid) DO UPDATE "
                    "SET cluster = excluded.cluster, claimed = excluded.claimed",
                    {key.c_str(), claim.job_uuid.c_str(),
                     claim.cluster ? claim.cluster->c_str() : nullptr, claim.claimed.c_str()},
                    Race::retry);
    }

    std::vector<std::pair<std::string, core::SchedulerClaim>>
    job_claims(const std::string& job_uuid) override {
        Result r = m_conn.exec_idempotent("reading a job's scheduler claims",
                                          "SELECT claim_key, cluster, claimed FROM "
                                          "scheduler_claims WHERE job_uuid = $1 ORDER BY "
                                          "claimed, claim_key",
                                          {job_uuid.c_str()});
        std::vector<std::pair<std::string, core::SchedulerClaim>> out;
        for (int i = 0; i < r.rows(); ++i) {
            core::SchedulerClaim c{job_uuid, std::nullopt, r.text(i, 2)};
            if (!r.null(i, 1)) c.cluster = r.text(i, 1);
            out.emplace_back(r.text(i, 0), std::move(c));
        }
        return out;
    }

    std::vector<core::SchedulerClaim> find_claims(const std::string& key,
                                                  std::size_t limit) override {
        std::string n = std::to_string(limit);
        Result r = m_conn.exec("reading scheduler claims",
                               "SELECT job_uuid, cluster, claimed FROM scheduler_claims "
                               "WHERE claim_key = $1 ORDER BY claimed DESC, job_uuid LIMIT $2",
                               {key.c_str(), n.c_str()}, Race::retry);
        std::vector<core::SchedulerClaim> out;
        for (int i = 0; i < r.rows(); ++i) {
            core::SchedulerClaim c{r.text(i, 0), std::nullopt, r.text(i, 2)};
            if (!r.null(i, 1)) c.cluster = r.text(i, 1);
            out.push_back(std::move(c));
        }
        return out;
    }

    void remove_job(const std::string& uuid) override {
        m_conn.exec("removing a job's receipts",
                    "DELETE FROM callback_receipts WHERE job_uuid = $1", {uuid.c_str()},
                    Race::retry);
        m_conn.exec("removing a job's scheduler claims",
                    "DELETE FROM scheduler_claims WHERE job_uuid = $1", {uuid.c_str()},
                    Race::retry);
        m_conn.exec("removing a job's history", "DELETE FROM history WHERE job_uuid = $1",
                    {uuid.c_str()}, Race::retry);
        m_conn.exec("removing a job", "DELETE FROM jobs WHERE uuid = $1", {uuid.c_str()},
                    Race::retry);
    }

    // --- group commit ---
    // One message of a batch: a savepoint inside the batch's transaction. A LostRace passes
    // through to write_batch.
    void write_in_batch(const std::function<bool(core::StorageTx&)>& fn) {
        if (!m_conn.in_transaction()) throw StorageError("a savepoint needs an open transaction");
        m_conn.exec("starting a message", "SAVEPOINT pjm_message");
        bool keep = false;
        try {
            keep = fn(*this);
        } catch (const LostRace&) {
            throw;
        } catch (...) {
            try {
                undo_message();
            } catch (const std::exception&) {
                // The batch fails with the message's own error; its commit then fails too.
            }
            throw;
        }
        if (keep)
            m_conn.exec("keeping a message", "RELEASE SAVEPOINT pjm_message");
        else
            undo_message();
    }

    void undo_message() {
        m_conn.exec("undoing a message", "ROLLBACK TO SAVEPOINT pjm_message");
        m_conn.exec("undoing a message", "RELEASE SAVEPOINT pjm_message");
    }

    // The window's entries: newest first up to the limit, cut where the data read before an
    // entry reach the byte budget (so the newest always comes), then put back in order.
    void read_history(core::Job& job, const core::HistoryWindow& w) {
        static const std::string columns = column_list(history_columns());
        static const std::string sql =
            "SELECT " + columns + ", seq FROM (SELECT " + columns +
            ", seq, sum(octet_length(data)) OVER (ORDER BY seq DESC ROWS UNBOUNDED PRECEDING) "
            "- octet_length(data) AS bytes_before FROM history WHERE job_uuid = $1 AND seq < $2 "
            "ORDER BY seq DESC LIMIT $3) page WHERE bytes_before < $4 ORDER BY seq";
        std::string before = std::to_string(w.before), limit = std::to_string(clamped(w.limit)),
                    budget = std::to_string(clamped(w.max_bytes));
        Result h = m_conn.exec("reading a job's history", sql,
                               {job.uuid.c_str(), before.c_str(), limit.c_str(), budget.c_str()});
        const int seq_column = static_cast<int>(history_columns().size());
        job.history.clear();
        job.history.reserve(static_cast<std::size_t>(h.rows()));
        for (int i = 0; i < h.rows(); ++i)
            job.history.push_back(read_row(history_columns(), h, i));
        job.history_start = h.rows() > 0 ? std::stoll(h.text(0, seq_column))
                                         : std::min(w.before, job.event_count + 1);
    }

    Connection m_conn;
    std::string m_describe;
    bool m_batch = false; // inside write_batch()
};

} // namespace

std::unique_ptr<Database> open_postgres(const std::string& url) {
    return std::make_unique<PostgresStore>(url);
}

SchemaVersions update_schema(const std::string& url, bool migrate) {
    Connection conn(url);
    SchemaVersions v;
    v.database = conn.describe();
    v.current = k_schema_version;
    std::tie(v.before, v.after) =
        update_schema(conn, migrate ? SchemaAction::migrate : SchemaAction::init);
    return v;
}

} // namespace pjm::store::postgres
