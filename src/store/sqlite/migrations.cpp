#include "store/sqlite/migrations.hpp"

#include "core/storage.hpp"
#include "store/sqlite/statement.hpp"

#include <array>
#include <filesystem>
#include <string>

#include <sqlite3.h>

namespace pjm::store::sqlite {

namespace {

// Migration N (1-based) takes the schema from version N-1 to N. Append only.
constexpr std::array<const char*, 9> k_migrations = {
    R"sql(
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE pipelines (
    uuid        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created     TEXT NOT NULL
);
CREATE TABLE jobs (
    uuid             TEXT PRIMARY KEY,
    pipeline_uuid    TEXT NOT NULL REFERENCES pipelines(uuid),
    archive_path     TEXT NOT NULL,
    archive_system   TEXT,
    archive_patterns TEXT NOT NULL DEFAULT '[]',
    product_patterns TEXT NOT NULL DEFAULT '[]',
    data             TEXT NOT NULL,
    session          TEXT,
    agent            TEXT,
    task             TEXT,
    state            TEXT NOT NULL,
    last_event       TEXT NOT NULL,
    created          TEXT NOT NULL,
    updated          TEXT NOT NULL,
    salt             TEXT NOT NULL,
    visible          INTEGER NOT NULL DEFAULT 1,
    event_count      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_by_state ON jobs(state, updated);
CREATE INDEX jobs_by_pipeline ON jobs(pipeline_uuid, updated);
-- One row per event, keyed by (job, sequence): appending costs the same at any history length.
CREATE TABLE history (
    job_uuid TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    uuid     TEXT NOT NULL,
    name     TEXT NOT NULL,
    date     TEXT NOT NULL,
    data     TEXT NOT NULL,
    PRIMARY KEY (job_uuid, seq)
) WITHOUT ROWID;
-- Each database gets its own random admin secret, used when none is configured.
INSERT INTO settings (key, value) VALUES ('admin_secret', lower(hex(randomblob(32))));
)sql",
    R"sql(
-- Messages handled by pjm serve, answered by GET …/executions/<id> and …/logs.
CREATE TABLE executions (
    id           TEXT PRIMARY KEY,
    actor_id     TEXT NOT NULL,
    status       TEXT NOT NULL,
    exit_code    INTEGER NOT NULL,
    start_time   TEXT NOT NULL,
    end_time     TEXT NOT NULL,
    message_kind TEXT NOT NULL,
    job_uuid     TEXT NOT NULL,
    log          TEXT NOT NULL
);
CREATE INDEX executions_by_time ON executions(start_time);
)sql",
    R"sql(
-- What an Idempotency-Key is bound to: the digests of the body and credential that used it.
ALTER TABLE executions ADD COLUMN request_digest TEXT NOT NULL DEFAULT '';
)sql",
    R"sql(
-- Who sent each message and which pjm serve process handled it (an Abaco execution's
-- executor and worker_id), and the executions of an actor newest first.
ALTER TABLE executions ADD COLUMN executor TEXT NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN worker_id TEXT NOT NULL DEFAULT '';
CREATE INDEX executions_by_actor ON executions(actor_id, start_time);
)sql",
    R"sql(
-- Each execution's runtime in whole seconds (as Abaco counts it), and running totals of each
-- actor's executions for GET …/executions: one row per actor and worker, so that replicas on
-- one database never wait for each other's row; triggers keep them with the executions.
ALTER TABLE executions ADD COLUMN runtime INTEGER NOT NULL DEFAULT 0;
UPDATE executions SET runtime = coalesce(CAST(round((julianday(end_time) -
    julianday(start_time)) * 86400000) AS INTEGER) / 1000, 0);
CREATE TABLE execution_totals (
    actor_id   TEXT NOT NULL,
    worker_id  TEXT NOT NULL,
    executions INTEGER NOT NULL,
    runtime    INTEGER NOT NULL,
    PRIMARY KEY (actor_id, worker_id)
);
INSERT INTO execution_totals
    SELECT actor_id, worker_id, count(*), sum(runtime) FROM executions
    GROUP BY actor_id, worker_id;
CREATE TRIGGER executions_counted AFTER INSERT ON executions BEGIN
    INSERT INTO execution_totals VALUES (NEW.actor_id, NEW.worker_id, 1, NEW.runtime)
        ON CONFLICT (actor_id, worker_id) DO UPDATE
        SET executions = executions + 1, runtime = runtime + excluded.runtime;
END;
CREATE TRIGGER executions_uncounted AFTER DELETE ON executions BEGIN
    UPDATE execution_totals SET executions = executions - 1, runtime = runtime - OLD.runtime
        WHERE actor_id = OLD.actor_id AND worker_id = OLD.worker_id;
END;
)sql",
    R"sql(
-- Platform callbacks' receipts: the history entry each notification (the sender's own id for
-- it, its dedupe key) was recorded as, so a repeat is answered without a second entry. Kept as
-- long as the job.
CREATE TABLE callback_receipts (
    job_uuid   TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    entry_uuid TEXT NOT NULL,
    received   TEXT NOT NULL,
    PRIMARY KEY (job_uuid, dedupe_key)
) WITHOUT ROWID;
)sql",
    R"sql(
-- A list's pages without a filter (docs/protocol.md#job-lists): the newest jobs first, read
-- through an index rather than sorted out of every row.
CREATE INDEX jobs_by_updated ON jobs(updated, uuid);
)sql",
    R"sql(
-- Scheduler jobs claimed by PipelineJobs (docs/integrations.md#slurm): a run entry naming the
-- scheduler job it runs in ("slurm:4242") lets the scheduler's report of that job's end find
-- the PipelineJob. Kept as long as the job.
CREATE TABLE scheduler_claims (
    claim_key TEXT NOT NULL,
    job_uuid  TEXT NOT NULL,
    cluster   TEXT,
    claimed   TEXT NOT NULL,
    PRIMARY KEY (claim_key, job_uuid)
) WITHOUT ROWID;
CREATE INDEX scheduler_claims_by_job ON scheduler_claims(job_uuid);
)sql",
    R"sql(
-- A job's executions, newest first (the dashboard's job page), without reading the others.
CREATE INDEX executions_by_job ON executions(job_uuid, start_time);
-- The jobs per pipeline, state and visibility, kept by triggers as jobs are written, so that
-- counting them (the dashboard's counts) reads a few rows however many jobs there are.
CREATE TABLE job_counts (
    pipeline_uuid TEXT NOT NULL,
    state         TEXT NOT NULL,
    visible       INTEGER NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (pipeline_uuid, state, visible)
) WITHOUT ROWID;
INSERT INTO job_counts
    SELECT pipeline_uuid, state, visible, count(*) FROM jobs
    GROUP BY pipeline_uuid, state, visible;
CREATE TRIGGER jobs_counted AFTER INSERT ON jobs BEGIN
    INSERT INTO job_counts VALUES (NEW.pipeline_uuid, NEW.state, NEW.visible, 1)
        ON CONFLICT (pipeline_uuid, state, visible) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER jobs_recounted AFTER UPDATE OF pipeline_uuid, state, visible ON jobs
    WHEN OLD.pipeline_uuid IS NOT NEW.pipeline_uuid OR OLD.state IS NOT NEW.state
        OR OLD.visible IS NOT NEW.visible BEGIN
    UPDATE job_counts SET n = n - 1 WHERE pipeline_uuid = OLD.pipeline_uuid
        AND state = OLD.state AND visible = OLD.visible;
    INSERT INTO job_counts VALUES (NEW.pipeline_uuid, NEW.state, NEW.visible, 1)
        ON CONFLICT (pipeline_uuid, state, visible) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER jobs_uncounted AFTER DELETE ON jobs BEGIN
    UPDATE job_counts SET n = n - 1 WHERE pipeline_uuid = OLD.pipeline_uuid
        AND state = OLD.state AND visible = OLD.visible;
END;
)sql",
};

int user_version(sqlite3* db) {
    Statement s(db, "PRAGMA user_version");
    return s.step() ? static_cast<int>(s.integer(0)) : 0;
}

} // namespace

int current_schema_version() {
    return static_cast<int>(k_migrations.size());
}

void migrate(sqlite3* db) {
    // Cheap check first: most opens find the schema current and take no write lock.
    int version = user_version(db);
    if (version == current_schema_version()) return;
    exec(db, "BEGIN IMMEDIATE");
    try {
        version = user_version(db); // another process may have migrated meanwhile
        if (version > current_schema_version())
            throw core::StorageError("the database has schema version " + std::to_string(version) +
                                     " but this pjm knows only up to " +
                                     std::to_string(current_schema_version()) + "; upgrade pjm");
        for (int v = version; v < current_schema_version(); ++v)
            exec(db, k_migrations[v]);
        exec(db, ("PRAGMA user_version = " + std::to_string(current_schema_version())).c_str());
        exec(db, "COMMIT");
    } catch (...) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

int read_schema_version(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return 0;
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_close(db);
        throw_sqlite(nullptr, rc, "cannot open database " + path);
    }
    try {
        int version = user_version(db);
        sqlite3_close(db);
        return version;
    } catch (...) {
        sqlite3_close(db);
        throw;
    }
}

} // namespace pjm::store::sqlite
