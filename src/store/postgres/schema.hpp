// The PostgreSQL schema, as an ordered list of migrations recorded in schema_migrations.
// Version N means the same tables as version N of the SQLite schema.
#pragma once

#include <array>

namespace pjm::store::postgres {

// Migration N (1-based) takes the schema from version N-1 to N. Append only.
inline constexpr std::array<const char*, 9> k_migrations = {
    R"sql(
CREATE TABLE settings (
    key   text COLLATE "C" PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE pipelines (
    uuid        text COLLATE "C" PRIMARY KEY,
    name        text COLLATE "C" NOT NULL,
    description text NOT NULL DEFAULT '',
    created     text NOT NULL
);
CREATE TABLE jobs (
    uuid             text COLLATE "C" PRIMARY KEY,
    pipeline_uuid    text COLLATE "C" NOT NULL REFERENCES pipelines(uuid),
    archive_path     text NOT NULL,
    archive_system   text,
    archive_patterns text NOT NULL DEFAULT '[]',
    product_patterns text NOT NULL DEFAULT '[]',
    data             text NOT NULL,
    session          text,
    agent            text,
    task             text,
    state            text COLLATE "C" NOT NULL,
    last_event       text NOT NULL,
    created          text NOT NULL,
    updated          text COLLATE "C" NOT NULL,
    salt             text NOT NULL,
    visible          boolean NOT NULL DEFAULT true,
    event_count      bigint NOT NULL DEFAULT 0
);
CREATE INDEX jobs_by_state ON jobs(state, updated);
CREATE INDEX jobs_by_pipeline ON jobs(pipeline_uuid, updated);
-- One row per event, keyed by (job, sequence): appending costs the same at any history length.
-- The job row's event_count, read under its row lock, gives the next sequence number.
CREATE TABLE history (
    job_uuid text COLLATE "C" NOT NULL REFERENCES jobs(uuid),
    seq      bigint NOT NULL,
    uuid     text NOT NULL,
    name     text NOT NULL,
    date     text NOT NULL,
    data     text NOT NULL,
    PRIMARY KEY (job_uuid, seq)
);
)sql",
    R"sql(
-- Messages handled by pjm serve, answered by GET …/executions/<id> and …/logs.
CREATE TABLE executions (
    id           text COLLATE "C" PRIMARY KEY,
    actor_id     text NOT NULL,
    status       text NOT NULL,
    exit_code    integer NOT NULL,
    start_time   text COLLATE "C" NOT NULL,
    end_time     text NOT NULL,
    message_kind text NOT NULL,
    job_uuid     text NOT NULL,
    log          text NOT NULL
);
CREATE INDEX executions_by_time ON executions(start_time);
)sql",
    R"sql(
-- What an Idempotency-Key is bound to: the digests of the body and credential that used it.
ALTER TABLE executions ADD COLUMN request_digest text NOT NULL DEFAULT '';
)sql",
    R"sql(
-- Who sent each message and which pjm serve process handled it (an Abaco execution's
-- executor and worker_id), and the executions of an actor newest first.
ALTER TABLE executions ADD COLUMN executor text NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN worker_id text NOT NULL DEFAULT '';
CREATE INDEX executions_by_actor ON executions(actor_id, start_time);
)sql",
    R"sql(
-- Each execution's runtime in whole seconds (as Abaco counts it), and running totals of each
-- actor's executions for GET …/executions: one row per actor and worker, so that replicas on
-- one database never wait for each other's row; triggers keep them with the executions.
ALTER TABLE executions ADD COLUMN runtime bigint NOT NULL DEFAULT 0;
UPDATE executions SET runtime = floor(extract(epoch FROM (end_time::timestamptz -
    start_time::timestamptz)))::bigint
    WHERE start_time ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$'
      AND end_time ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$';
CREATE TABLE execution_totals (
    actor_id   text NOT NULL,
    worker_id  text NOT NULL,
    executions bigint NOT NULL,
    runtime    bigint NOT NULL,
    PRIMARY KEY (actor_id, worker_id)
);
INSERT INTO execution_totals
    SELECT actor_id, worker_id, count(*), sum(runtime) FROM executions
    GROUP BY actor_id, worker_id;
CREATE FUNCTION pjm_count_execution() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO execution_totals VALUES (NEW.actor_id, NEW.worker_id, 1, NEW.runtime)
            ON CONFLICT (actor_id, worker_id) DO UPDATE
            SET executions = execution_totals.executions + 1,
                runtime = execution_totals.runtime + excluded.runtime;
    ELSE
        UPDATE execution_totals SET executions = executions - 1, runtime = runtime - OLD.runtime
            WHERE actor_id = OLD.actor_id AND worker_id = OLD.worker_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER executions_counted AFTER INSERT OR DELETE ON executions
    FOR EACH ROW EXECUTE FUNCTION pjm_count_execution();
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
);
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
);
CREATE INDEX scheduler_claims_by_job ON scheduler_claims(job_uuid);
)sql",
    R"sql(
-- A job's executions, newest first (the dashboard's job page), without reading the others.
CREATE INDEX executions_by_job ON executions(job_uuid, start_time);
)sql",
};

inline constexpr int k_schema_version = static_cast<int>(k_migrations.size());

} // namespace pjm::store::postgres
