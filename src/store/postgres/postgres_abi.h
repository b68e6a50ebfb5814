/* The C interface between pjm and its PostgreSQL driver, lib/pjm/pjm-store-postgres.so.
 *
 * pjm loads the module with dlopen the first time a postgresql:// database is opened, so
 * SQLite users never load libpq (ARCHITECTURE.md, "Start-up cost"). The module is a thin
 * driver: it connects, runs the SQL it is given with text parameters and hands back the rows
 * as text. It knows no table and no transaction; the SQL, the schema and the mapping of rows to
 * records are pjm's (src/store/postgres/postgres_store.cpp). Nothing C++ crosses this boundary:
 * the module exports two C functions, and every call takes plain pointers, returns a status
 * code and fills a fixed-size error struct.
 *
 * Bump PJM_PG_ABI_VERSION whenever anything below changes meaning or layout.
 */
#ifndef PJM_STORE_POSTGRES_ABI_H
#define PJM_STORE_POSTGRES_ABI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PJM_PG_ABI_VERSION 3

/* One connection; opaque to pjm. Used by one thread at a time. */
typedef struct pjm_pg pjm_pg;
/* The outcome of one statement: its rows, all values as text. Freed with free_result. */
typedef struct pjm_pg_result pjm_pg_result;

/* Status of connect, reconnect and exec. */
enum {
    PJM_PG_OK = 0,
    PJM_PG_NONE = 1,  /* exec: it succeeded but returned no row and changed none ("SELECT 0",
                         "UPDATE 0", an INSERT … ON CONFLICT DO NOTHING that did nothing) */
    PJM_PG_RETRY = 2, /* exec: lost a race (serialization failure 40001, deadlock 40P01, a
                         concurrent insert of the same key 23505): roll back and run the
                         transaction again. reconnect: the connection had gone and is open
                         again */
    PJM_PG_ERROR = 3  /* failure; the error struct says what and what to do */
};

typedef struct pjm_pg_error {
    char sqlstate[6];   /* SQLSTATE of the failure, "" when it did not come from the server */
    char message[1024]; /* one readable line, with a hint; never holds a password. For exec,
                           what the server said; pjm puts what it was doing in front */
} pjm_pg_error;

typedef struct pjm_pg_api {
    /* url: a libpq connection URI (postgresql://…); libpq's environment (PGPASSWORD,
     * PGSSLMODE, …) and ~/.pgpass apply. On failure *out is NULL and err says why and what to
     * do (a password to set, a database to create, …). */
    int (*connect)(const char* url, pjm_pg** out, pjm_pg_error* err);
    void (*close)(pjm_pg* pg);
    /* postgresql://user@host:port/database, without a password, written to buf like snprintf
     * (NUL-terminated, cut to size); returns the length of the whole text. */
    size_t (*describe)(pjm_pg* pg, char* buf, size_t size);
    /* A connection that died (a restarted server, an idle timeout) is opened again: OK when it
     * was alive (nothing done), RETRY when it had gone and is open again, ERROR when it could
     * not be opened again. pjm calls it between transactions only. */
    int (*reconnect)(pjm_pg* pg, pjm_pg_error* err);

    /* Runs one statement with n_params text parameters ($1 …; a NULL pointer is SQL NULL).
     * Without parameters the text may hold several statements (a migration); the result is
     * the last one's. On OK and NONE, *result (when result is not NULL) receives the result,
     * which the caller frees; otherwise it is set to NULL. */
    int (*exec)(pjm_pg* pg, const char* sql, int n_params, const char* const* params,
                pjm_pg_result** result, pjm_pg_error* err);

    int (*rows)(const pjm_pg_result* r);
    int (*columns)(const pjm_pg_result* r);
    /* The value's text ("t"/"f" for a boolean); "" for SQL NULL. Valid until free_result. */
    const char* (*value)(const pjm_pg_result* r, int row, int column);
    int (*is_null)(const pjm_pg_result* r, int row, int column);
    /* The command tag: "SELECT 1", "INSERT 0 1", "COMMIT", or "ROLLBACK" for a COMMIT the server
     * turned into a rollback. */
    const char* (*command)(const pjm_pg_result* r);
    void (*free_result)(pjm_pg_result* r);
} pjm_pg_api;

/* The two exported symbols. */
int pjm_module_abi_version(void);
const pjm_pg_api* pjm_store_postgres_api(void);

#ifdef __cplusplus
}
#endif

#endif
