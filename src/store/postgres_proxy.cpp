#include "store/postgres_proxy.hpp"

#include "store/postgres/postgres_abi.h"
#include "store/records.hpp"
#include "util/module.hpp"

#include <chrono>
#include <random>
#include <thread>

namespace pjm::store::postgres {

namespace {

using core::StorageError;
using nlohmann::json;

// The module's table of functions, loaded once per process (thread-safe static).
const pjm_pg_api& api() {
    static const pjm_pg_api* table = [] {
        try {
            static const util::Module module =
                util::Module::load("store-postgres", PJM_PG_ABI_VERSION);
            return module.function<const pjm_pg_api* (*)()>("pjm_store_postgres_api")();
        } catch (const std::runtime_error& e) {
            throw StorageError(std::string("PostgreSQL support is not available: ") + e.what());
        }
    }();
    return *table;
}

// Thrown through the transaction function when the module reports a lost race; not a
// std::exception, so nothing on the way mistakes it for a failure.
struct Retry {
    std::string message;
};

// Turns a status into a result: OK true, NONE false, RETRY → Retry, ERROR → StorageError.
bool check(int status, const pjm_pg_error& err) {
    switch (status) {
    case PJM_PG_OK:
        return true;
    case PJM_PG_NONE:
        return false;
    case PJM_PG_RETRY:
        throw Retry{err.message};
    default:
        throw StorageError(err.message[0] ? err.message : "PostgreSQL backend failed");
    }
}

// Text returned by the module, freed by the module.
class Text {
  public:
    Text() = default;
    ~Text() {
        if (m_p) api().free_text(m_p);
    }
    Text(const Text&) = delete;
    Text& operator=(const Text&) = delete;
    char** out() { return &m_p; }
    std::string str() const { return m_p ? m_p : ""; }
    json parsed() const { return json::parse(m_p ? m_p : "null"); }

  private:
    char* m_p = nullptr;
};

constexpr int k_max_attempts = 50;

void back_off(int attempt) {
    // Jittered exponential back-off, 1 ms up to 100 ms, so racing writers spread out.
    thread_local std::minstd_rand rng(std::random_device{}());
    int cap = std::min(100, 1 << std::min(attempt, 7));
    std::uniform_int_distribution<int> us(0, cap * 1000);
    std::this_thread::sleep_for(std::chrono::microseconds(us(rng)));
}

class Connection {
  public:
    explicit Connection(const std::string& url) : m_api(api()) {
        pjm_pg_error err{};
        int rc = m_api.connect(url.c_str(), &m_pg, &err);
        if (rc != PJM_PG_OK) throw StorageError(err.message);
    }
    ~Connection() { m_api.close(m_pg); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    const pjm_pg_api& api_table() const { return m_api; }
    pjm_pg* get() const { return m_pg; }

    std::string describe() const {
        pjm_pg_error err{};
        Text t;
        if (m_api.describe(m_pg, t.out(), &err) != PJM_PG_OK) return "postgresql";
        return t.str();
    }

  private:
    const pjm_pg_api& m_api;
    pjm_pg* m_pg = nullptr;
};

class PostgresStore final : public Database, private core::StorageTx {
  public:
    explicit PostgresStore(const std::string& url) : m_conn(url), m_api(m_conn.api_table()) {
        pjm_pg_error err{};
        int before = 0, after = 0;
        ok(m_api.schema(pg(), PJM_PG_SCHEMA_OPEN, &before, &after, &err), err);
        m_describe = m_conn.describe();
    }

    void write(const std::function<bool(core::StorageTx&)>& fn) override {
        if (m_batch) return write_in_batch(fn);
        std::string last;
        for (int attempt = 1; attempt <= k_max_attempts; ++attempt) {
            pjm_pg_error err{};
            ok(m_api.begin(pg(), PJM_PG_WRITE, &err), err);
            bool commit = false;
            try {
                commit = fn(*this);
            } catch (const Retry& r) {
                m_api.rollback(pg());
                last = r.message;
                back_off(attempt);
                continue;
            } catch (...) {
                m_api.rollback(pg());
                throw;
            }
            if (!commit) {
                m_api.rollback(pg());
                return;
            }
            int rc = m_api.commit(pg(), &err);
            if (rc == PJM_PG_RETRY) { // the server rolled it back: run it again
                last = err.message;
                back_off(attempt);
                continue;
            }
            ok(rc, err);
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
            pjm_pg_error err{};
            ok(m_api.begin(pg(), PJM_PG_WRITE, &err), err);
            m_batch = true;
            try {
                fn();
            } catch (const Retry& r) {
                m_batch = false;
                m_api.rollback(pg());
                last = r.message;
                back_off(attempt);
                continue;
            } catch (...) {
                m_batch = false;
                m_api.rollback(pg());
                throw;
            }
            m_batch = false;
            int rc = m_api.commit(pg(), &err);
            if (rc == PJM_PG_RETRY) {
                last = err.message;
                back_off(attempt);
                continue;
            }
            if (rc != PJM_PG_OK)
                throw StorageError(std::string(err.message) + "; nothing of the batch was saved");
            return;
        }
        throw StorageError("gave up after " + std::to_string(k_max_attempts) +
                           " attempts of a batch that each lost a race with other writers "
                           "(last: " +
                           last + "); nothing of the batch was saved");
    }

    std::optional<core::Job> get_job(const std::string& uuid, bool with_history) override {
        if (!with_history) return read_job(uuid, 0);
        // One read-only snapshot so the job row and its history agree.
        pjm_pg_error err{};
        ok(m_api.begin(pg(), PJM_PG_READ, &err), err);
        try {
            auto job = read_job(uuid, PJM_PG_JOB_WITH_HISTORY);
            ok(m_api.commit(pg(), &err), err);
            return job;
        } catch (...) {
            m_api.rollback(pg());
            throw;
        }
    }

    std::vector<core::Job> find_jobs(const core::JobFilter& f) override {
        json filter = {{"limit", f.limit}, {"include_hidden", f.include_hidden}};
        if (f.state) filter["state"] = std::string(core::to_string(*f.state));
        if (f.pipeline_uuid) filter["pipeline_uuid"] = *f.pipeline_uuid;
        pjm_pg_error err{};
        Text t;
        ok(m_api.find_jobs(pg(), filter.dump().c_str(), t.out(), &err), err);
        std::vector<core::Job> out;
        for (const auto& r : t.parsed())
            out.push_back(job_from_record(r));
        return out;
    }

    bool add_pipeline(const core::Pipeline& p) override {
        pjm_pg_error err{};
        return ok(m_api.add_pipeline(pg(), pipeline_record(p).dump().c_str(), &err), err);
    }

    std::optional<core::Pipeline> get_pipeline(const std::string& uuid) override {
        return find_pipeline(uuid);
    }

    std::vector<core::Pipeline> list_pipelines() override {
        pjm_pg_error err{};
        Text t;
        ok(m_api.list_pipelines(pg(), t.out(), &err), err);
        std::vector<core::Pipeline> out;
        for (const auto& r : t.parsed())
            out.push_back(pipeline_from_record(r));
        return out;
    }

    std::optional<std::string> get_setting(const std::string& key) override {
        pjm_pg_error err{};
        Text t;
        if (!ok(m_api.get_setting(pg(), key.c_str(), t.out(), &err), err)) return std::nullopt;
        return t.str();
    }

    void set_setting(const std::string& key, const std::string& value) override {
        pjm_pg_error err{};
        ok(m_api.set_setting(pg(), key.c_str(), value.c_str(), &err), err);
    }

    void add_execution(const Execution& e) override {
        pjm_pg_error err{};
        ok(m_api.add_execution(pg(), execution_record(e).dump().c_str(), &err), err);
    }

    std::optional<Execution> get_execution(const std::string& id) override {
        pjm_pg_error err{};
        Text t;
        if (!ok(m_api.get_execution(pg(), id.c_str(), t.out(), &err), err)) return std::nullopt;
        return execution_from_record(t.parsed());
    }

    std::string describe() const override { return m_describe; }

  private:
    // --- StorageTx: called only inside write(); a Retry unwinds to write() ---
    std::optional<core::Job> load_job_for_update(const std::string& uuid) override {
        return read_job(uuid, PJM_PG_JOB_FOR_UPDATE, true);
    }

    std::optional<core::Pipeline> find_pipeline(const std::string& uuid) override {
        pjm_pg_error err{};
        Text t;
        if (!tx_check(m_api.get_pipeline(pg(), uuid.c_str(), t.out(), &err), err))
            return std::nullopt;
        return pipeline_from_record(t.parsed());
    }

    void append_event(const core::Job& job, const core::HistoryEntry& e,
                      core::State next) override {
        pjm_pg_error err{};
        std::string state(core::to_string(next));
        tx_check(m_api.append_event(pg(), job.uuid.c_str(), job.event_count + 1, state.c_str(),
                                    history_record(e).dump().c_str(), &err),
                 err);
    }

    void insert_job(const core::Job& job) override {
        pjm_pg_error err{};
        tx_check(m_api.insert_job(pg(), job_record(job).dump().c_str(), &err), err);
    }

    void hide_job(const std::string& uuid, const std::string& updated) override {
        pjm_pg_error err{};
        tx_check(m_api.hide_job(pg(), uuid.c_str(), updated.c_str(), &err), err);
    }

    void remove_job(const std::string& uuid) override {
        pjm_pg_error err{};
        tx_check(m_api.remove_job(pg(), uuid.c_str(), &err), err);
    }

    // One message of a batch: a savepoint inside the batch's transaction. A Retry passes
    // through to write_batch.
    void write_in_batch(const std::function<bool(core::StorageTx&)>& fn) {
        pjm_pg_error err{};
        ok(m_api.savepoint(pg(), PJM_PG_SAVEPOINT, &err), err);
        bool keep = false;
        try {
            keep = fn(*this);
        } catch (const Retry&) {
            throw;
        } catch (...) {
            pjm_pg_error ignored{};
            m_api.savepoint(pg(), PJM_PG_ROLLBACK_TO, &ignored);
            throw;
        }
        ok(m_api.savepoint(pg(), keep ? PJM_PG_RELEASE : PJM_PG_ROLLBACK_TO, &err), err);
    }

    // --- helpers ---
    pjm_pg* pg() const { return m_conn.get(); }

    // Outside a transaction a lost race is just a failure.
    static bool ok(int status, const pjm_pg_error& err) {
        if (status == PJM_PG_RETRY) status = PJM_PG_ERROR;
        return check(status, err);
    }
    static bool tx_check(int status, const pjm_pg_error& err) { return check(status, err); }

    std::optional<core::Job> read_job(const std::string& uuid, int flags, bool in_tx = false) {
        pjm_pg_error err{};
        Text t;
        int rc = m_api.get_job(pg(), uuid.c_str(), flags, t.out(), &err);
        if (!(in_tx ? tx_check(rc, err) : ok(rc, err))) return std::nullopt;
        return job_from_record(t.parsed());
    }

    Connection m_conn;
    const pjm_pg_api& m_api;
    std::string m_describe;
    bool m_batch = false; // inside write_batch()
};

} // namespace

std::unique_ptr<Database> open_postgres(const std::string& url) {
    return std::make_unique<PostgresStore>(url);
}

SchemaVersions update_schema(const std::string& url, bool migrate) {
    Connection conn(url);
    const auto& a = conn.api_table();
    SchemaVersions v;
    v.database = conn.describe();
    v.current = a.schema_version();
    pjm_pg_error err{};
    int rc = a.schema(conn.get(), migrate ? PJM_PG_SCHEMA_MIGRATE : PJM_PG_SCHEMA_INIT, &v.before,
                      &v.after, &err);
    if (rc != PJM_PG_OK) throw StorageError(err.message);
    return v;
}

} // namespace pjm::store::postgres
