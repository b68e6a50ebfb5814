/* The C boundary of the HTTP transport module pjm-remote-curl.so (ARCHITECTURE.md, "Start-up
 * cost"): plain structs and buffers, no C++ object or exception crosses it. */
#ifndef PJM_REMOTE_TRANSPORT_ABI_H
#define PJM_REMOTE_TRANSPORT_ABI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PJM_TRANSPORT_ABI_VERSION 2

struct pjm_http_header {
    const char* name;
    const char* value;
};

struct pjm_http_request {
    const char* method; /* "GET", "POST" */
    const char* url;
    const struct pjm_http_header* headers;
    size_t header_count;
    const char* body; /* may be NULL for GET */
    size_t body_size;
    long connect_timeout_ms;
    long total_timeout_ms;
    const char* cacert; /* CA bundle file, or NULL for the system's */
    int insecure;       /* 1: skip TLS verification (only when the operator asked) */
    /* Called with one line per event when non-NULL (-v); secrets are already redacted. */
    void (*trace)(void* context, const char* line);
    void* trace_context;
};

enum pjm_transport_error {
    PJM_TRANSPORT_OK = 0,
    PJM_TRANSPORT_CONNECT = 1, /* could not connect: refused, unreachable, DNS */
    PJM_TRANSPORT_TIMEOUT = 2,
    PJM_TRANSPORT_TLS = 3,
    PJM_TRANSPORT_SEND_RECV = 4, /* the connection broke mid-request */
    PJM_TRANSPORT_OTHER = 5,
};

struct pjm_http_response {
    long status;      /* HTTP status, 0 when no response arrived */
    char* body;       /* owned by the module: release with pjm_http_release */
    size_t body_size;
    char* headers;     /* the final response's header lines, "Name: value\n" each, or NULL */
    int error;         /* enum pjm_transport_error */
    char error_message[512];
};

int pjm_module_abi_version(void);
/* Performs one request; fills `response` (always initialised, even on error). */
int pjm_http_perform(const struct pjm_http_request* request, struct pjm_http_response* response);
void pjm_http_release(struct pjm_http_response* response);

#ifdef __cplusplus
}
#endif

#endif
