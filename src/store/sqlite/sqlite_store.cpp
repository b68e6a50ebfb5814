#include "store/sqlite/sqlite_store.hpp"

#include "store/sqlite/migrations.hpp"
#include "store/sqlite/statement.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <unistd.h>

#include <sqlite3.h>

namespace pjm::store::sqlite {

namespace {

using core::Job;
using core::StorageError;
using nlohmann::json;

constexpr int k_busy_timeout_ms = 30000;

constexpr const char* k_job_columns =
    "uuid, pipeline_uuid, archive_path, archive_system, archive_patterns, product_patterns, "
    "data, session, agent, task, state, last_event, created, updated, salt, visible, "
    "event_count";

json parse_stored(const std::string& text) {
    return text.empty() ? json::object() : json::parse(text);
}

Job read_job(const Statement& s) {
    Job j;
    j.uuid = s.text(0);
    j.pipeline_uuid = s.text(1);
    j.archive_path = s.text(2);
    j.archive_system = s.optional_text(3);
    j.archive_patterns = parse_stored(s.text(4));
    j.product_patterns = parse_stored(s.text(5));
    j.data = parse_stored(s.text(6));
    j.session = s.optional_text(7);
    j.agent = s.optional_text(8);
    j.task = s.optional_text(9);
    auto state = core::parse_state(s.text(10));
    if (!state) throw StorageError("job " + j.uuid + " has an unknown state '" + s.text(10) + "'");
    j.state = *state;
    j.last_event = s.text(11);
    j.created = s.text(12);
    j.updated = s.text(13);
    j.salt = s.text(14);
    j.visible = s.integer(15) != 0;
    j.event_count = s.integer(16);
    return j;
}

class SqliteStore final : public Database, private core::StorageTx {
  public:
    SqliteStore(std::string path, const OpenOptions& options) : m_path(std::move(path)) {
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
            exec(m_db, "PRAGMA foreign_keys = ON");
            // FULL: an acknowledged event survives power loss, not just a crash.
            exec(m_db, "PRAGMA synchronous = FULL");
            set_wal();
            migrate(m_db);
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

    std::optional<Job> get_job(const std::string& uuid, bool with_history) override {
        // One read transaction so the job row and its history agree.
        prepared("BEGIN");
        try {
            auto job = select_job(uuid);
            if (job && with_history) load_history(*job);
            prepared("COMMIT");
            return job;
        } catch (...) {
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }

    std::vector<Job> find_jobs(const core::JobFilter& f) override {
        std::string sql = std::string("SELECT ") + k_job_columns + " FROM jobs WHERE 1=1";
        if (f.state) sql += " AND state = ?1";
        if (f.pipeline_uuid) sql += " AND pipeline_uuid = ?2";
        if (!f.include_hidden) sql += " AND visible = 1";
        sql += " ORDER BY updated DESC, uuid";
        if (f.limit) sql += " LIMIT ?3";
        Statement s(m_db, sql);
        if (f.state) s.bind(1, core::to_string(*f.state));
        if (f.pipeline_uuid) s.bind(2, std::string_view(*f.pipeline_uuid));
        if (f.limit) s.bind(3, static_cast<std::int64_t>(f.limit));
        std::vector<Job> out;
        while (s.step())
            out.push_back(read_job(s));
        return out;
    }

    bool add_pipeline(const core::Pipeline& p) override {
        auto& s = stmt("INSERT OR IGNORE INTO pipelines (uuid, name, description, created) "
                       "VALUES (?1, ?2, ?3, ?4)");
        s.bind(1, std::string_view(p.uuid)).bind(2, std::string_view(p.name));
        s.bind(3, std::string_view(p.description)).bind(4, std::string_view(p.created));
        s.run();
        return sqlite3_changes(m_db) == 1;
    }

    std::optional<core::Pipeline> get_pipeline(const std::string& uuid) override {
        return find_pipeline(uuid);
    }

    std::vector<core::Pipeline> list_pipelines() override {
        Statement s(m_db, "SELECT uuid, name, description, created FROM pipelines ORDER BY name");
        std::vector<core::Pipeline> out;
        while (s.step())
            out.push_back({s.text(0), s.text(1), s.text(2), s.text(3)});
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
        auto& s = stmt("INSERT INTO executions (id, actor_id, status, exit_code, start_time, "
                       "end_time, message_kind, job_uuid, log) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        s.bind(1, std::string_view(e.id)).bind(2, std::string_view(e.actor_id));
        s.bind(3, std::string_view(e.status)).bind(4, std::int64_t{e.exit_code});
        s.bind(5, std::string_view(e.start_time)).bind(6, std::string_view(e.end_time));
        s.bind(7, std::string_view(e.message_kind)).bind(8, std::string_view(e.job_uuid));
        s.bind(9, std::string_view(e.log));
        s.run();
    }

    std::optional<Execution> get_execution(const std::string& id) override {
        auto& s = stmt("SELECT id, actor_id, status, exit_code, start_time, end_time, "
                       "message_kind, job_uuid, log FROM executions WHERE id = ?1");
        s.bind(1, std::string_view(id));
        std::optional<Execution> out;
        if (s.step())
            out = Execution{s.text(0), s.text(1), s.text(2), static_cast<int>(s.integer(3)),
                            s.text(4), s.text(5), s.text(6), s.text(7),
                            s.text(8)};
        s.reset();
        return out;
    }

    std::string describe() const override { return "sqlite:" + m_path; }

  private:
    // --- StorageTx: called only inside write() ---
    std::optional<Job> load_job_for_update(const std::string& uuid) override {
        return select_job(uuid); // BEGIN IMMEDIATE already holds the write lock
    }

    std::optional<core::Pipeline> find_pipeline(const std::string& uuid) override {
        auto& s = stmt("SELECT uuid, name, description, created FROM pipelines WHERE uuid = ?1");
        s.bind(1, std::string_view(uuid));
        std::optional<core::Pipeline> out;
        if (s.step()) out = core::Pipeline{s.text(0), s.text(1), s.text(2), s.text(3)};
        s.reset();
        return out;
    }

    void append_event(const Job& job, const core::HistoryEntry& e, core::State next) override {
        std::int64_t seq = job.event_count + 1;
        auto& h = stmt("INSERT INTO history (job_uuid, seq, uuid, name, date, data) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        h.bind(1, std::string_view(job.uuid)).bind(2, seq).bind(3, std::string_view(e.uuid));
        h.bind(4, std::string_view(e.name)).bind(5, std::string_view(e.date));
        h.bind(6, std::string_view(e.data.dump()));
        h.run();
        auto& u = stmt("UPDATE jobs SET state = ?2, last_event = ?3, updated = ?4, "
                       "event_count = ?5 WHERE uuid = ?1");
        u.bind(1, std::string_view(job.uuid)).bind(2, core::to_string(next));
        u.bind(3, std::string_view(e.name)).bind(4, std::string_view(e.date)).bind(5, seq);
        u.run();
    }

    void insert_job(const Job& j) override {
        auto& s = stmt(std::string("INSERT INTO jobs (") + k_job_columns +
                       ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                       "?15, ?16, ?17)");
        s.bind(1, std::string_view(j.uuid)).bind(2, std::string_view(j.pipeline_uuid));
        s.bind(3, std::string_view(j.archive_path)).bind(4, j.archive_system);
        s.bind(5, std::string_view(j.archive_patterns.dump()));
        s.bind(6, std::string_view(j.product_patterns.dump()));
        s.bind(7, std::string_view(j.data.dump()));
        s.bind(8, j.session).bind(9, j.agent).bind(10, j.task);
        s.bind(11, core::to_string(j.state)).bind(12, std::string_view(j.last_event));
        s.bind(13, std::string_view(j.created)).bind(14, std::string_view(j.updated));
        s.bind(15, std::string_view(j.salt)).bind(16, std::int64_t{j.visible ? 1 : 0});
        s.bind(17, static_cast<std::int64_t>(j.history.size()));
        s.run();
        auto& h = stmt("INSERT INTO history (job_uuid, seq, uuid, name, date, data) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        std::int64_t seq = 0;
        for (const auto& e : j.history) {
            h.bind(1, std::string_view(j.uuid)).bind(2, ++seq).bind(3, std::string_view(e.uuid));
            h.bind(4, std::string_view(e.name)).bind(5, std::string_view(e.date));
            h.bind(6, std::string_view(e.data.dump()));
            h.run();
        }
    }

    void hide_job(const std::string& uuid, const std::string& updated) override {
        auto& s = stmt("UPDATE jobs SET visible = 0, updated = ?2 WHERE uuid = ?1");
        s.bind(1, std::string_view(uuid)).bind(2, std::string_view(updated));
        s.run();
    }

    void remove_job(const std::string& uuid) override {
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
        auto& s = stmt(std::string("SELECT ") + k_job_columns + " FROM jobs WHERE uuid = ?1");
        s.bind(1, std::string_view(uuid));
        std::optional<Job> out;
        if (s.step()) out = read_job(s);
        s.reset();
        return out;
    }

    void load_history(Job& job) {
        auto& s = stmt("SELECT uuid, name, date, data FROM history WHERE job_uuid = ?1 "
                       "ORDER BY seq");
        s.bind(1, std::string_view(job.uuid));
        job.history.clear();
        while (s.step())
            job.history.push_back({s.text(0), s.text(1), s.text(2), parse_stored(s.text(3))});
        s.reset();
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

    // The database holds job salts: create it readable by its owner only.
    void prepare_file() {
        namespace fs = std::filesystem;
        fs::path p(m_path);
        std::error_code ec;
        if (p.has_parent_path()) {
            fs::create_directories(p.parent_path(), ec);
            if (ec)
                throw StorageError("cannot create the folder " + p.parent_path().string() +
                                   " for the database: " + ec.message());
        }
        // Only a file that does not exist yet is opened here. Closing any descriptor of a
        // database drops every POSIX lock this process holds on it, those of its open SQLite
        // connections included (pjm serve holds several): another process would then take
        // itself for the last user, checkpoint and delete the WAL the server still writes to.
        if (fs::exists(p, ec)) return;
        int fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
            throw StorageError("cannot open database " + m_path + ": " + std::strerror(errno) +
                               " (check the path and its permissions)");
        ::close(fd);
    }

    std::string m_path;
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
