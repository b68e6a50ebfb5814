// The PostgreSQL schema, as an ordered list of migrations recorded in schema_migrations.
// Version N means the same tables as version N of the SQLite schema.
#pragma once

#include <array>

namespace pjm::store::postgres {

// Migration N (1-based) takes the schema from version N-1 to N. Append only.
inline constexpr std::array<const char*, 3> k_migrations = {
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
};

inline constexpr int k_schema_version = static_cast<int>(k_migrations.size());

} // namespace pjm::store::postgres
