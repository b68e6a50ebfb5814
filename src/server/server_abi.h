/* The C boundary of the server module pjm-server.so (ARCHITECTURE.md, "Start-up cost"): `pjm serve`
 * fills one plain struct and calls pjm_serve_run, which returns when the server has stopped.
 * No C++ object or exception crosses it. */
#ifndef PJM_SERVER_ABI_H
#define PJM_SERVER_ABI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PJM_SERVER_ABI_VERSION 7

struct pjm_serve_options {
    const char* listen;          /* "ADDR:PORT", "[v6addr]:PORT"; port 0 picks a free one */
    const char* database_url;    /* as store::open takes it; made when missing */
    const char* actor_id;        /* the one actor this manager answers for */
    const char* bearer_file;     /* accepted bearer tokens, one a line; NULL for none */
    const char* nonce_file;      /* accepted x-nonce values, one a line; NULL for none */
    int no_auth;                 /* 1: accept requests without credentials */
    unsigned long long max_body; /* largest accepted request body in bytes; 0: 1 MiB */
    const char* admin_secret;    /* NULL: the database's own secret; "": no admin tokens */
    const char* admin_key;
    long long admin_lifetime; /* seconds */
    const char* uuid_domain;
    int threads;          /* connection threads; 0: sized for the machine */
    int verbose;          /* 0: one line per request on stderr; 1+: also each message's outcome */
    const char* version;  /* pjm's version, for the reply envelopes */
    const char* key_case; /* "snake", "camel" or "both" (NULL: both), for Abaco results */
    const char* tapis_token_file; /* accepted X-Tapis-Token values, one a line; NULL for none */
    const char* tapis_public_key; /* PEM file of the tenant's key for Tapis JWTs; NULL: none */
    const char* tapis_tenants;    /* admitted tapis/tenant_id values, comma-separated; NULL: any */
    const char* tapis_users;      /* admitted tapis/username values, comma-separated; NULL: any */
    const char* tls_cert;         /* PEM certificate chain: serve HTTPS; NULL: plain HTTP */
    const char* tls_key;          /* PEM private key of tls_cert; given exactly when tls_cert is */
    const char* admin_credential_file; /* values that open the admin routes; NULL: closed */
    long long keep_executions_s;       /* delete executions older than this; 0: keep them all */
    const char* jobcomp_from; /* IP addresses that may post Slurm job completion records,
                                 comma-separated; NULL: the jobcomp route is closed */
    const char* cloudevents_map; /* JSON file: CloudEvent type -> event; NULL: no CloudEvents */
    const char* viewer_credential_file; /* values that open the read routes; NULL: none */
    int no_ui;                          /* 1: no dashboard at /ui/ */
};

/* The loader requires this symbol: PJM_SERVER_ABI_VERSION of the module. */
int pjm_module_abi_version(void);

/* Serves until SIGTERM or SIGINT (SIGHUP reads the credential files and the TLS certificate
 * and key again) and returns pjm's exit code, core::exit_code() of the error
 * kind: 0 (ok) after a clean shutdown, 2 (usage) for bad options, 8 (storage) when the database
 * cannot be opened, 1 (internal) for anything else (the address is in use, …). On failure, `error`
 * holds a printable message (NUL-terminated, truncated to `error_size`). */
int pjm_serve_run(const struct pjm_serve_options* options, char* error, size_t error_size);

typedef int (*pjm_serve_run_fn)(const struct pjm_serve_options*, char*, size_t);

#ifdef __cplusplus
}
#endif

#endif
