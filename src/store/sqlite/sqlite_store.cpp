#include "store/sqlite/sqlite_store.hpp"

#include "store/columns.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/statement.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>
#include <sqlite3.h>

namespace pjm::store::sqlite {

namespace {

using core::Job;
using core::StorageError;

constexpr int k_busy_timeout_ms = 30000;

// A column's value as SQLite holds it.
Value cell(const Statement& s, int column, ColumnType type) {
    switch (type) {
    case ColumnType::nullable_text:
        if (auto text = s.optional_text(column)) return std::move(*text);
        return std::monostate{};
    case ColumnType::boolean:
    case ColumnType::integer:
        return s.integer(column);
    default:
        return s.text(column);
    }
}

template <typename Record> Record read_row(Columns<Record> columns, const Statement& s) {
    return read_record(columns, [&](int column, ColumnType type) { return cell(s, column, type); });
}

void bind(Statement& s, int index, const Value& v) {
    if (const auto* text = std::get_if<std::string>(&v))
        s.bind(index, std::string_view(*text));
    else if (const auto* i = std::get_if<std::int64_t>(&v))
        s.bind(index, *i);
    else
        s.bind_null(index);
}

// Binds a record's values, in column order, from parameter `first` on.
template <typename Record>
void bind_record(Statement& s, Columns<Record> columns, const Record& record, int first = 1) {
    for (const auto& v : values_of(columns, record))
        bind(s, first++, v);
}

// "INSERT INTO table (<columns>) VALUES (?1, …)", with `keys` columns first.
template <typename Record>
std::string insert_sql(std::string_view table, Columns<Record> columns,
                       std::string_view keys = "") {
    std::size_t n_keys =
        keys.empty() ? 0 : 1 + static_cast<std::size_t>(std::count(keys.begin(), keys.end(), ','));
    return "INSERT INTO " + std::string(table) + " (" + std::string(keys) +
           (keys.empty() ? "" : ", ") + column_list(columns) + ") VALUES (" +
           placeholders('?', n_keys + columns.size()) + ")";
}

// Once per process, before SQLite starts: no count of the memory SQLite holds. Keeping that
// count takes one process-wide lock on every allocation, which pjm serve's threads, each on a
// connection of its own, queued on (pjm never reads the count).
void configure_sqlite_once() {
    static const bool configured = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    (void)configured;
}

class SqliteStore final : public Database, private core::StorageTx {
  public:
    SqliteStore(std::string path, const OpenOptions& options) : m_path(std::move(path)) {
        configure_sqlite_once();
        prepare_file();
        int rc = sqlite3_open_v2(m_path.c_str(), &m_db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
        if (rc != SQLITE_OK) {
            std::string msg = "cannot open database " + m_path;
            sqlite3_close(m_db);
            m_db = nullptr;
            throw_sqlite(nullptr, rc, msg);
        }
        try {
            sqlite3_busy_timeout(m_db, k_busy_timeout_ms);
            sqlite3_extended_result_codes(m_db, 1);
            // A file this user may only read (a copy, an archive, another user's): it can be
            // read as it is. Nothing is changed in it, its schema included; a write fails
            // saying the file is read-only. A WAL database is read through its shared-memory
            // file, which this user may not be able to create: when no writer has left anything
            // in its WAL, the file is read as immutable instead. (Before any statement: even
            // a PRAGMA reads the schema.)
            bool read_only = sqlite3_db_readonly(m_db, "main") == 1;
            if (read_only && !wal_has_data()) reopen_immutable();
            exec(m_db, "PRAGMA foreign_keys = ON");
            // FULL: an acknowledged event survives power loss, not just a crash.
            exec(m_db, "PRAGMA synchronous = FULL");
            if (read_only) {
                Statement version(m_db, "PRAGMA user_version");
                int v = version.step() ? static_cast<int>(version.integer(0)) : 0;
                if (v != current_schema_version())
                    throw StorageError("database " + m_path +
                                       " is read-only (no write permission) "
                                       "and has schema version " +
                                       std::to_string(v) + ", not this pjm's " +
                                       std::to_string(current_schema_version()) +
                                       ": open it with write permission once to upgrade it");
            } else {
                set_wal();
                migrate(m_db);
            }
            // Without automatic checkpoints a commit still copies the WAL once it passes
            // 50,000 pages (about 200 MB), should nothing else do it.
            sqlite3_wal_autocheckpoint(m_db, options.automatic_checkpoints ? 1000 : 50000);
        } catch (...) {
            m_statements.clear();
            sqlite3_close(m_db);
            throw;
        }
    }

    ~SqliteStore() override {
        m_statements.clear();
        sqlite3_close(m_db);
    }

    void write(const std::function<bool(core::StorageTx&)>& fn) override {
        if (m_batch) return write_in_batch(fn);
        prepared("BEGIN IMMEDIATE");
        bool commit = false;
        try {
            commit = fn(*this);
        } catch (...) {
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
        if (commit) {
            int rc = sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
            if (rc != SQLITE_OK) {
                sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
                throw_sqlite(m_db, rc, "committing to " + m_path + " failed");
            }
        } else {
            exec(m_db, "ROLLBACK");
        }
    }

    void write_batch(const std::function<void()>& fn) override {
        if (m_batch) throw StorageError("write_batch cannot nest");
        prepared("BEGIN IMMEDIATE");
        m_batch = true;
        try {
            fn();
        } catch (...) {
            m_batch = false;
            if (!sqlite3_get_autocommit(m_db))
                sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
        m_batch = false;
        check_batch_alive();
        int rc = sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) {
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            throw_sqlite(m_db, rc, "committing to " + m_path + " failed");
        }
    }

    void checkpoint() override {
        int rc =
            sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            throw_sqlite(m_db, rc, "copying the WAL into " + m_path + " failed");
    }

    std::optional<Job> get_job(const std::string& uuid,
                               const core::HistoryWindow& window) override {
        // One read transaction so the job row and its history agree.
        prepared("BEGIN");
        try {
            auto job = select_job(uuid);
            if (job && window.limit > 0) load_history(*job, window);
            prepared("COMMIT");
            return job;
        } catch (...) {
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }

    std::vector<Job> find_jobs(const core::JobFilter& f) override {
        std::string sql = "SELECT " + column_list(job_columns()) + " FROM jobs WHERE 1=1";
        if (f.state) sql += " AND state = ?1";
        if (f.pipeline_uuid) sql += " AND pipeline_uuid = ?2";
        // A range on the primary key, not LIKE: UUIDs hold only hex digits and dashes, all
        // below '~', so [prefix, prefix~) is exactly the UUIDs that start with it.
        if (f.uuid_prefix) sql += " AND uuid >= ?4 AND uuid < ?5";
        if (f.after_updated) sql += " AND (updated < ?6 OR (updated = ?6 AND uuid > ?7))";
        if (f.since) sql += " AND updated >= ?8";
        if (f.until) sql += " AND updated < ?9";
        if (!f.include_hidden) sql += " AND visible = 1";
        sql += " ORDER BY updated DESC, uuid";
        if (f.limit) sql += " LIMIT ?3";
        Statement s(m_db, sql);
        if (f.state) s.bind(1, core::to_string(*f.state));
        if (f.pipeline_uuid) s.bind(2, std::string_view(*f.pipeline_uuid));
        if (f.limit) s.bind(3, static_cast<std::int64_t>(f.limit));
        std::string upper = f.uuid_prefix ? *f.uuid_prefix + "~" : "";
        if (f.uuid_prefix) {
            s.bind(4, std::string_view(*f.uuid_prefix));
            s.bind(5, std::string_view(upper));
        }
        if (f.after_updated) {
            s.bind(6, std::string_view(*f.after_updated));
            s.bind(7, std::string_view(f.after_uuid.value_or("")));
        }
        if (f.since) s.bind(8, std::string_view(*f.since));
        if (f.until) s.bind(9, std::string_view(*f.until));
        std::vector<Job> out;
        while (s.step())
            out.push_back(read_row(job_columns(), s));
        return out;
    }

    std::vector<std::pair<core::State, std::int64_t>>
    count_jobs(const core::JobFilter& f) override {
        // Without a time range, the counts the triggers keep (schema version 9); with one, the
        // jobs updated in it.
        bool kept = !f.since && !f.until;
        // (A range is read through the index of the update times, by pipeline when one is
        // given: without statistics SQLite would rather read every job in state order.)
        std::string sql = kept ? "SELECT state, sum(n) FROM job_counts WHERE 1=1"
                          : f.pipeline_uuid
                              ? "SELECT state, count(*) FROM jobs INDEXED BY jobs_by_pipeline "
                                "WHERE 1=1"
                              : "SELECT state, count(*) FROM jobs INDEXED BY jobs_by_updated "
                                "WHERE 1=1";
        if (f.pipeline_uuid) sql += " AND pipeline_uuid = ?1";
        if (f.since) sql += " AND updated >= ?2";
        if (f.until) sql += " AND updated < ?3";
        if (!f.include_hidden) sql += " AND visible = 1";
        sql += kept ? " GROUP BY state HAVING sum(n) > 0" : " GROUP BY state";
        Statement s(m_db, sql);
        if (f.pipeline_uuid) s.bind(1, std::string_view(*f.pipeline_uuid));
        if (f.since) s.bind(2, std::string_view(*f.since));
        if (f.until) s.bind(3, std::string_view(*f.until));
        return state_counts([&](std::string& state, std::int64_t& n) {
            if (!s.step()) return false;
            state = s.text(0);
            n = s.integer(1);
            return true;
        });
    }

    bool add_pipeline(const core::Pipeline& p) override {
        static const std::string sql = "INSERT OR IGNORE INTO pipelines (" +
                                       column_list(pipeline_columns()) + ") VALUES (" +
                                       placeholders('?', pipeline_columns().size()) + ")";
        auto& s = stmt(sql);
        bind_record(s, pipeline_columns(), p);
        s.run();
        return sqlite3_changes(m_db) == 1;
    }

    std::optional<core::Pipeline> get_pipeline(const std::string& uuid) override {
        return find_pipeline(uuid);
    }

    std::vector<core::Pipeline> list_pipelines() override {
        Statement s(m_db,
                    "SELECT " + column_list(pipeline_columns()) + " FROM pipelines ORDER BY name");
        std::vector<core::Pipeline> out;
        while (s.step())
            out.push_back(read_row(pipeline_columns(), s));
        return out;
    }

    std::optional<std::string> get_setting(const std::string& key) override {
        auto& s = stmt("SELECT value FROM settings WHERE key = ?1");
        s.bind(1, std::string_view(key));
        std::optional<std::string> out;
        if (s.step()) out = s.text(0);
        s.reset();
        return out;
    }

    void set_setting(const std::string& key, const std::string& value) override {
        auto& s = stmt("INSERT INTO settings (key, value) VALUES (?1, ?2) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        s.bind(1, std::string_view(key)).bind(2, std::string_view(value));
        s.run();
    }

    void add_execution(const Execution& e) override {
        if (m_batch) check_batch_alive();
        static const std::string sql = insert_sql("executions", execution_columns());
        auto& s = stmt(sql);
        bind_record(s, execution_columns(), e);
        s.run();
    }

    std::optional<Execution> get_execution(const std::string& id) override {
        static const std::string sql =
            "SELECT " + column_list(execution_columns()) + " FROM executions WHERE id = ?1";
        auto& s = stmt(sql);
        s.bind(1, std::string_view(id));
        std::optional<Execution> out;
        if (s.step()) out = read_row(execution_columns(), s);
        s.reset();
        return out;
    }

    store::ExecutionPage list_executions(const std::string& actor_id, std::size_t limit,
                                         std::size_t offset) override {
        static const std::string page_sql = "SELECT " + column_list(execution_columns()) +
                                            " FROM executions WHERE actor_id = ?1 ORDER BY "
                                            "start_time DESC, id DESC LIMIT ?2 OFFSET ?3";
        store::ExecutionPage page;
        // One read transaction: the page and the totals agree.
        prepared("BEGIN");
        try {
            auto& s = stmt(page_sql);
            s.bind(1, std::string_view(actor_id)).bind(2, clamped(limit)).bind(3, clamped(offset));
            while (s.step())
                page.executions.push_back(read_row(execution_columns(), s));
            s.reset();
            auto& t = stmt("SELECT coalesce(sum(executions), 0), coalesce(sum(runtime), 0) "
                           "FROM execution_totals WHERE actor_id = ?1");
            t.bind(1, std::string_view(actor_id));
            if (t.step()) {
                page.total = t.integer(0);
                page.total_runtime = t.integer(1);
            }
            t.reset();
            prepared("COMMIT");
        } catch (...) {
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
        return page;
    }

    std::vector<Execution> list_job_executions(const std::string& actor_id,
                                               const std::string& job_uuid,
                                               std::size_t limit) override {
        static const std::string sql = "SELECT " + column_list(execution_columns()) +
                                       " FROM executions WHERE job_uuid = ?1 AND actor_id = ?2 "
                                       "ORDER BY start_time DESC, id DESC LIMIT ?3";
        auto& s = stmt(sql);
        s.bind(1, std::string_view(job_uuid))
            .bind(2, std::string_view(actor_id))
            .bind(3, clamped(limit));
        std::vector<Execution> out;
        while (s.step())
            out.push_back(read_row(execution_columns(), s));
        s.reset();
        return out;
    }

    std::size_t prune_executions(const std::string& started_before, std::size_t at_most) override {
        // One statement: its own transaction, as short as `at_most` rows make it.
        auto& s = stmt("DELETE FROM executions WHERE id IN (SELECT id FROM executions WHERE "
                       "start_time < ?1 ORDER BY start_time LIMIT ?2)");
        s.bind(1, std::string_view(started_before)).bind(2, clamped(at_most));
        s.run();
        return static_cast<std::size_t>(sqlite3_changes(m_db));
    }

    std::string describe() const override { return "sqlite:" + m_path; }

  private:
    // --- StorageTx: called only inside write() ---
    std::optional<Job> load_job_for_update(const std::string& uuid) override {
        return select_job(uuid); // BEGIN IMMEDIATE already holds the write lock
    }

    std::optional<core::Pipeline> find_pipeline(const std::string& uuid) override {
        static const std::string sql =
            "SELECT " + column_list(pipeline_columns()) + " FROM pipelines WHERE uuid = ?1";
        auto& s = stmt(sql);
        s.bind(1, std::string_view(uuid));
        std::optional<core::Pipeline> out;
        if (s.step()) out = read_row(pipeline_columns(), s);
        s.reset();
        return out;
    }

    void append_event(const Job& job, const core::HistoryEntry& e, core::State next) override {
        std::int64_t seq = job.event_count + 1;
        auto& h = history_insert();
        h.bind(1, std::string_view(job.uuid)).bind(2, seq);
        bind_record(h, history_columns(), e, 3);
        h.run();
        auto& u = stmt("UPDATE jobs SET state = ?2, last_event = ?3, updated = ?4, "
                       "event_count = ?5 WHERE uuid = ?1");
        u.bind(1, std::string_view(job.uuid)).bind(2, core::to_string(next));
        u.bind(3, std::string_view(e.name)).bind(4, std::string_view(e.date)).bind(5, seq);
        u.run();
    }

    void insert_job(const Job& j) override {
        static const std::string sql = insert_sql("jobs", job_columns());
        auto& s = stmt(sql);
        bind_record(s, job_columns(), j);
        s.run();
        auto& h = history_insert();
        std::int64_t seq = 0;
        for (const auto& e : j.history) {
            h.bind(1, std::string_view(j.uuid)).bind(2, ++seq);
            bind_record(h, history_columns(), e, 3);
            h.run();
        }
    }

    void hide_job(const std::string& uuid, const std::string& updated) override {
        auto& s = stmt("UPDATE jobs SET visible = 0, updated = ?2 WHERE uuid = ?1");
        s.bind(1, std::string_view(uuid)).bind(2, std::string_view(updated));
        s.run();
    }

    std::optional<std::string> find_receipt(const std::string& job_uuid,
                                            const std::string& key) override {
        auto& s = stmt("SELECT entry_uuid FROM callback_receipts WHERE job_uuid = ?1 AND "
                       "dedupe_key = ?2");
        s.bind(1, std::string_view(job_uuid)).bind(2, std::string_view(key));
        std::optional<std::string> out;
        if (s.step()) out = s.text(0);
        s.reset();
        return out;
    }

    void add_receipt(const std::string& job_uuid, const std::string& key,
                     const std::string& entry_uuid, const std::string& received) override {
        auto& s = stmt("INSERT INTO callback_receipts (job_uuid, dedupe_key, entry_uuid, received) "
                       "VALUES (?1, ?2, ?3, ?4)");
        s.bind(1, std::string_view(job_uuid)).bind(2, std::string_view(key));
        s.bind(3, std::string_view(entry_uuid)).bind(4, std::string_view(received));
        s.run();
    }

    void add_claim(const std::string& key, const core::SchedulerClaim& claim) override {
        auto& s = stmt("INSERT INTO scheduler_claims (claim_key, job_uuid, cluster, claimed) "
                       "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (claim_key, job_uuid) DO UPDATE "
                       "SET cluster = excluded.cluster, claimed = excluded.claimed");
        s.bind(1, std::string_view(key)).bind(2, std::string_view(claim.job_uuid));
        s.bind(3, claim.cluster).bind(4, std::string_view(claim.claimed));
        s.run();
    }

    std::vector<std::pair<std::string, core::SchedulerClaim>>
    job_claims(const std::string& job_uuid) override {
        auto& s = stmt("SELECT claim_key, cluster, claimed FROM scheduler_claims "
                       "WHERE job_uuid = ?1 ORDER BY claimed, claim_key");
        s.bind(1, std::string_view(job_uuid));
        std::vector<std::pair<std::string, core::SchedulerClaim>> out;
        while (s.step())
            out.emplace_back(s.text(0),
                             core::SchedulerClaim{job_uuid, s.optional_text(1), s.text(2)});
        s.reset();
        return out;
    }

    std::vector<core::SchedulerClaim> find_claims(const std::string& key,
                                                  std::size_t limit) override {
        auto& s = stmt("SELECT job_uuid, cluster, claimed FROM scheduler_claims "
                       "WHERE claim_key = ?1 ORDER BY claimed DESC, job_uuid LIMIT ?2");
        s.bind(1, std::string_view(key)).bind(2, static_cast<std::int64_t>(limit));
        std::vector<core::SchedulerClaim> out;
        while (s.step()) {
            out.push_back(core::SchedulerClaim{s.text(0), s.optional_text(1), s.text(2)});
        }
        s.reset();
        return out;
    }

    void remove_job(const std::string& uuid) override {
        auto& r = stmt("DELETE FROM callback_receipts WHERE job_uuid = ?1");
        r.bind(1, std::string_view(uuid));
        r.run();
        auto& c = stmt("DELETE FROM scheduler_claims WHERE job_uuid = ?1");
        c.bind(1, std::string_view(uuid));
        c.run();
        auto& h = stmt("DELETE FROM history WHERE job_uuid = ?1");
        h.bind(1, std::string_view(uuid));
        h.run();
        auto& j = stmt("DELETE FROM jobs WHERE uuid = ?1");
        j.bind(1, std::string_view(uuid));
        j.run();
    }

    // --- group commit ---
    // One message of a batch: a savepoint inside the batch's transaction.
    void write_in_batch(const std::function<bool(core::StorageTx&)>& fn) {
        check_batch_alive();
        prepared("SAVEPOINT pjm_message");
        bool keep = false;
        try {
            keep = fn(*this);
        } catch (...) {
            undo_savepoint();
            throw;
        }
        if (keep)
            prepared("RELEASE pjm_message");
        else
            undo_savepoint();
    }

    void undo_savepoint() {
        if (sqlite3_get_autocommit(m_db)) return; // SQLite already rolled everything back
        sqlite3_exec(m_db, "ROLLBACK TO pjm_message", nullptr, nullptr, nullptr);
        sqlite3_exec(m_db, "RELEASE pjm_message", nullptr, nullptr, nullptr);
    }

    // Some errors (disk full, I/O) make SQLite roll the whole transaction back; what follows
    // must then fail instead of committing on its own, outside the batch.
    void check_batch_alive() {
        if (sqlite3_get_autocommit(m_db))
            throw StorageError("the database rolled back the batch's transaction (" + m_path +
                               "); nothing in it was saved");
    }

    // --- helpers ---
    std::optional<Job> select_job(const std::string& uuid) {
        static const std::string sql =
            "SELECT " + column_list(job_columns()) + " FROM jobs WHERE uuid = ?1";
        auto& s = stmt(sql);
        s.bind(1, std::string_view(uuid));
        std::optional<Job> out;
        if (s.step()) out = read_row(job_columns(), s);
        s.reset();
        return out;
    }

    // The window's entries, read newest first (so the byte budget keeps the newest) and put
    // back in order.
    void load_history(Job& job, const core::HistoryWindow& w) {
        static const std::string sql =
            "SELECT " + column_list(history_columns()) +
            ", seq, length(CAST(data AS BLOB)) FROM history "
            "WHERE job_uuid = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3";
        const int seq_column = static_cast<int>(history_columns().size());
        auto& s = stmt(sql);
        s.bind(1, std::string_view(job.uuid)).bind(2, w.before).bind(3, clamped(w.limit));
        job.history.clear();
        job.history_start = std::min(w.before, job.event_count + 1);
        std::size_t bytes = 0;
        while (bytes < w.max_bytes && s.step()) {
            job.history.push_back(read_row(history_columns(), s));
            job.history_start = s.integer(seq_column);
            bytes += static_cast<std::size_t>(s.integer(seq_column + 1));
        }
        s.reset();
        std::reverse(job.history.begin(), job.history.end());
    }

    // One history row: ?1 job_uuid, ?2 seq, then the entry's columns.
    Statement& history_insert() {
        static const std::string sql = insert_sql("history", history_columns(), "job_uuid, seq");
        return stmt(sql);
    }

    // Runs a statement that returns no rows, prepared once per connection: BEGIN, COMMIT and
    // savepoints run for every message and read, and parsing them each time showed up.
    void prepared(const char* sql) { stmt(sql).run(); }

    Statement& stmt(const std::string& sql) {
        auto it = m_statements.find(sql);
        if (it == m_statements.end())
            it = m_statements.emplace(sql, std::make_unique<Statement>(m_db, sql)).first;
        return *it->second;
    }

    void set_wal() {
        Statement s(m_db, "PRAGMA journal_mode = WAL");
        if (!s.step() || s.text(0) != "wal")
            throw StorageError("cannot switch " + m_path +
                               " to WAL mode (is it on a network "
                               "filesystem that lacks shared memory locking?)");
    }

    // The database holds the admin secret and every job's salt: its folders are made 0700 and
    // the file 0600 (whatever the umask); an existing file others may read or write loses
    // those rights, and a group-readable one is reported (warnings()).
    void prepare_file() {
        namespace fs = std::filesystem;
        fs::path p(m_path);
        std::error_code ec;
        if (p.has_parent_path()) make_private_folders(p.parent_path());
        // Only a file that does not exist yet is opened here. Closing any descriptor of a
        // database drops every POSIX lock this process holds on it, those of its open SQLite
        // connections included (pjm serve holds several): another process would then take
        // itself for the last user, checkpoint and delete the WAL the server still writes to.
        struct stat st {};
        if (::stat(m_path.c_str(), &st) == 0) {
            check_mode(st);
            return;
        }
        int fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST)
            throw StorageError("cannot open database " + m_path + ": " + std::strerror(errno) +
                               " (check the path and its permissions)");
        if (fd >= 0) {
            ::fchmod(fd, 0600); // the umask may have taken bits away, never added: exact
            ::close(fd);
        }
    }

    // Creates the missing folders of `dir`, each 0700.
    static void make_private_folders(const std::filesystem::path& dir) {
        std::vector<std::filesystem::path> missing;
        std::error_code ec;
        for (auto d = dir; !d.empty() && !std::filesystem::exists(d, ec); d = d.parent_path()) {
            missing.push_back(d);
            if (d == d.parent_path()) break;
        }
        for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
            if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST)
                throw StorageError("cannot create the folder " + it->string() +
                                   " for the database: " + std::strerror(errno));
            ::chmod(it->c_str(), 0700);
        }
    }

    void check_mode(const struct stat& st) {
        if (!S_ISREG(st.st_mode)) return;
        mode_t mode = st.st_mode & 0777;
        if ((mode & 0007) && st.st_uid == ::geteuid()) {
            mode_t tight = mode & ~static_cast<mode_t>(0007);
            if (::chmod(m_path.c_str(), tight) == 0)
                m_warnings.push_back(fmt::format(
                    "database {} was readable or writable by every user (mode {:04o}): it holds "
                    "the admin secret and every job's salt, so pjm made it {:04o}",
                    m_path, mode, tight));
            mode = tight;
        }
        if (mode & 0007)
            m_warnings.push_back(fmt::format("database {} is readable or writable by every user "
                                             "(mode {:04o}); make it private: chmod o-rwx {}",
                                             m_path, mode, m_path));
        else if (mode & 0040)
            m_warnings.push_back(fmt::format(
                "database {} is readable by its group (mode {:04o}), which can then make any "
                "job's token; unless that group is trusted: chmod g-r {}",
                m_path, mode, m_path));
    }

    std::vector<std::string> warnings() const override { return m_warnings; }

    bool wal_has_data() const {
        struct stat st {};
        return ::stat((m_path + "-wal").c_str(), &st) == 0 && st.st_size > 0;
    }

    // Opens the file again read-only and immutable (no locks, no shared memory): for a file no
    // one may write, with nothing in its WAL.
    void reopen_immutable() {
        std::string uri = "file:";
        for (char c : m_path) {
            if (c == '%' || c == '?' || c == '#')
                uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
            else
                uri += c;
        }
        uri += "?immutable=1";
        sqlite3* db = nullptr;
        int rc =
            sqlite3_open_v2(uri.c_str(), &db,
                            SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
        if (rc != SQLITE_OK) {
            sqlite3_close(db);
            throw_sqlite(nullptr, rc, "cannot open database " + m_path + " read-only");
        }
        m_statements.clear();
        sqlite3_close(m_db);
        m_db = db;
        sqlite3_busy_timeout(m_db, k_busy_timeout_ms);
        sqlite3_extended_result_codes(m_db, 1);
    }

    std::string m_path;
    std::vector<std::string> m_warnings;
    sqlite3* m_db = nullptr;
    bool m_batch = false; // inside write_batch()
    std::map<std::string, std::unique_ptr<Statement>> m_statements;
};

} // namespace

std::unique_ptr<Database> open_sqlite(const std::string& path, bool create,
                                      const OpenOptions& options) {
    std::error_code ec;
    if (!create && !std::filesystem::exists(path, ec))
        throw StorageError("no database at " + path +
                           " (check --db / PJM_DATABASE; a new database is made by registering "
                           "a pipeline: pjm --local pipeline add --name NAME)");
    return std::make_unique<SqliteStore>(path, options);
}

} // namespace pjm::store::sqlite
