/* The C interface between pjm and its PostgreSQL module, lib/pjm/pjm-store-postgres.so.
 *
 * pjm loads the module with dlopen the first time a postgresql:// database is opened, so
 * SQLite users never load libpq (ARCHITECTURE.md, "Start-up cost"). Nothing C++ crosses this
 * boundary: the module exports two C functions, and every call takes plain pointers, returns a
 * status code and fills a fixed-size error buffer. Records travel as NUL-terminated UTF-8 JSON
 * text whose fields are the columns of the schema (a job record is the job document of
 * `pjm status --json` plus its "salt"); text the module returns is malloc'ed by the module and
 * handed back to free_text.
 *
 * Bump PJM_PG_ABI_VERSION whenever anything below changes meaning or layout.
 */
#ifndef PJM_STORE_POSTGRES_ABI_H
#define PJM_STORE_POSTGRES_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PJM_PG_ABI_VERSION 2

/* One connection; opaque to pjm. Used by one thread at a time. */
typedef struct pjm_pg pjm_pg;

/* Status of every call. */
enum {
    PJM_PG_OK = 0,
    PJM_PG_NONE = 1,  /* no such row; or, for add_pipeline, the pipeline exists already */
    PJM_PG_RETRY = 2, /* lost a race (serialization failure 40001, deadlock 40P01, a concurrent
                         insert of the same key 23505): roll back and re-run the transaction */
    PJM_PG_ERROR = 3  /* storage failure; the error buffer says what and what to do */
};

typedef struct pjm_pg_error {
    char sqlstate[6];   /* SQLSTATE of the failure, "" when it did not come from the server */
    char message[1024]; /* one readable sentence, with a hint; never holds a password */
} pjm_pg_error;

/* schema() actions. */
enum {
    PJM_PG_SCHEMA_OPEN = 0,   /* initialize an empty database; refuse any other version */
    PJM_PG_SCHEMA_INIT = 1,   /* initialize an empty database; report the version of others */
    PJM_PG_SCHEMA_MIGRATE = 2 /* bring the schema up to this module's version */
};

/* begin() modes. */
enum {
    PJM_PG_WRITE = 0, /* READ COMMITTED; rows read with JOB_FOR_UPDATE stay locked */
    PJM_PG_READ = 1   /* REPEATABLE READ READ ONLY: one consistent snapshot */
};

/* savepoint() actions, inside a transaction (pjm serve's group commit: one savepoint per
 * message, one commit per batch). */
enum {
    PJM_PG_SAVEPOINT = 0,  /* SAVEPOINT pjm_message */
    PJM_PG_RELEASE = 1,    /* keep what the message did */
    PJM_PG_ROLLBACK_TO = 2 /* undo what the message did, keep the transaction */
};

/* get_job() flags. */
enum { PJM_PG_JOB_FOR_UPDATE = 1, PJM_PG_JOB_WITH_HISTORY = 2 };

typedef struct pjm_pg_api {
    /* url: a libpq connection URI (postgresql://…); libpq's environment (PGPASSWORD,
     * PGSSLMODE, …) and ~/.pgpass apply. On failure *out is NULL. */
    int (*connect)(const char* url, pjm_pg** out, pjm_pg_error* err);
    void (*close)(pjm_pg* pg);
    void (*free_text)(char* text);
    /* Checks or updates the schema; *before and *after receive the versions found and left. */
    int (*schema)(pjm_pg* pg, int action, int* before, int* after, pjm_pg_error* err);
    /* The schema version this module writes. */
    int (*schema_version)(void);
    /* postgresql://user@host:port/database, without a password. */
    int (*describe)(pjm_pg* pg, char** out, pjm_pg_error* err);

    int (*begin)(pjm_pg* pg, int mode, pjm_pg_error* err);
    int (*commit)(pjm_pg* pg, pjm_pg_error* err); /* RETRY: rolled back, run it again */
    void (*rollback)(pjm_pg* pg);

    /* Job record (without history unless asked); NONE when it does not exist. */
    int (*get_job)(pjm_pg* pg, const char* uuid, int flags, char** job, pjm_pg_error* err);
    /* filter: {"state"?, "pipeline_uuid"?, "limit", "include_hidden"}; out: array of records
     * without history, most recently updated first. */
    int (*find_jobs)(pjm_pg* pg, const char* filter, char** jobs, pjm_pg_error* err);
    /* A job record with its "history"; event_count becomes the history's length. */
    int (*insert_job)(pjm_pg* pg, const char* job, pjm_pg_error* err);
    /* entry: {"uuid", "name", "date", "data"}, stored as history row `seq`; the job row gets
     * state, last_event = name, updated = date, event_count = seq. */
    int (*append_event)(pjm_pg* pg, const char* job_uuid, int64_t seq, const char* state,
                        const char* entry, pjm_pg_error* err);
    int (*hide_job)(pjm_pg* pg, const char* uuid, const char* updated, pjm_pg_error* err);
    int (*remove_job)(pjm_pg* pg, const char* uuid, pjm_pg_error* err);

    /* pipeline: {"uuid", "name", "description", "created"} */
    int (*add_pipeline)(pjm_pg* pg, const char* pipeline, pjm_pg_error* err);
    int (*get_pipeline)(pjm_pg* pg, const char* uuid, char** pipeline, pjm_pg_error* err);
    int (*list_pipelines)(pjm_pg* pg, char** pipelines, pjm_pg_error* err); /* by name */

    int (*get_setting)(pjm_pg* pg, const char* key, char** value, pjm_pg_error* err);
    int (*set_setting)(pjm_pg* pg, const char* key, const char* value, pjm_pg_error* err);

    /* execution: {"id", "actor_id", "status", "exit_code", "start_time", "end_time",
     * "message_kind", "job_uuid", "log"} */
    int (*add_execution)(pjm_pg* pg, const char* execution, pjm_pg_error* err);
    int (*get_execution)(pjm_pg* pg, const char* id, char** execution, pjm_pg_error* err);

    int (*savepoint)(pjm_pg* pg, int action, pjm_pg_error* err);
} pjm_pg_api;

/* The two exported symbols. */
int pjm_module_abi_version(void);
const pjm_pg_api* pjm_store_postgres_api(void);

#ifdef __cplusplus
}
#endif

#endif
