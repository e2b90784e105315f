/*
 * fetch.h: HTTP transfers with libcurl, each body handed to a sink as it
 * arrives.
 *
 * A transfer object owns one easy handle configured once (no signals,
 * keep-alive, timeouts, our callbacks) and reused for every transfer of
 * one worker, so every strategy reuses connections the same way. A
 * transfer runs blocking (fetch_perform) or in a multi handle
 * (fetch_multi.h); either way fetch_result classifies how it ended.
 *
 * This module does not save, verify or know what the bytes are. It checks
 * the HTTP status itself (never CURLOPT_FAILONERROR, which would hide the
 * status from the error counts) and passes only a 200's body to the sink.
 * It enforces two limits: response headers of at most FETCH_HEADER_MAX
 * bytes, and a body of at most max_size bytes, known in advance or not.
 *
 * Preconditions: curl_global_init() ran once in main before any thread.
 * Thread-safety: a transfer object belongs to one thread at a time.
 */
#ifndef CONCBENCH_FETCH_H
#define CONCBENCH_FETCH_H

#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>

/* How a transfer ended, counted per kind as wrk does. */
enum fetch_err {
    FETCH_OK = 0,
    FETCH_ERR_CONNECT,   /* could not connect or resolve */
    FETCH_ERR_TIMEOUT,   /* --timeout-ms or --connect-timeout-ms passed */
    FETCH_ERR_STATUS,    /* an HTTP status other than 200 */
    FETCH_ERR_RESET,     /* the connection broke while sending or receiving */
    FETCH_ERR_PROTOCOL,  /* not a usable HTTP response (headers too large, garbage) */
    FETCH_ERR_TOO_LARGE, /* the body is larger than the size limit */
    FETCH_ERR_FD_LIMIT,  /* out of file descriptors (EMFILE, ENFILE) */
    FETCH_ERR_WRITE,     /* the body could not be stored (disk full, out of memory) */
    FETCH_ERR_VERIFY,    /* size or checksum did not match */
    FETCH_ERR_MEMORY,    /* out of memory (libcurl's, or setting the transfer up) */
    FETCH_ERR_OTHER,
    FETCH_ERR_INTERRUPTED, /* stopped by SIGINT/SIGTERM */
    FETCH_ERR__COUNT
};

/* Names of the failure kinds FETCH_ERR_CONNECT .. FETCH_ERR_OTHER, in
 * order, NULL-terminated: a workload's error_kinds table. */
extern const char *const fetch_err_names[];

/* Default limits. */
#define FETCH_MAX_SIZE        (256ull << 20)
#define FETCH_TIMEOUT_MS      30000L
#define FETCH_CONNECT_TIMEOUT 10000L
#define FETCH_HEADER_MAX      (64u << 10)

/* Per-transfer limits; zero fields take the defaults above. */
struct curl_slist;
struct fetch_limits {
    long                     timeout_ms;
    long                     connect_timeout_ms;
    uint64_t                 max_size; /* body bytes */
    const struct curl_slist *headers;  /* sent with every request; NULL: none. Read-only,
                                          shared by every handle, kept by the caller */
};

/* Where a 200's body goes: return 0 to go on, or -errno to abort the
 * transfer (counted as write, or fd_limit for EMFILE/ENFILE). */
typedef int (*fetch_sink_fn)(void *arg, const void *data, size_t len);

struct fetch {
    CURL         *h;
    fetch_sink_fn sink;
    void         *sink_arg;
    uint64_t      max_size;
    /* Per transfer, reset by fetch_prepare. */
    uint64_t body_bytes; /* of a 200, passed to the sink */
    uint64_t header_bytes;
    long     status;     /* 0 until a status line arrived */
    int      sink_err;   /* -errno the sink returned */
    int      open_errno; /* errno of a socket that could not be opened */
    unsigned too_large : 1;
    unsigned header_overflow : 1;
    CURLcode code;  /* how the transfer ended */
    void    *token; /* fetch_multi's: whom to tell when done */
};

/* The phases of the last transfer, as libcurl timed them from its start:
 * name lookup done, connected, first byte received (µs, each 0 when it
 * did not happen in this transfer: a reused connection looks nothing up). */
void fetch_phases(const struct fetch *f, uint32_t us[3]);

/* Set up f with its own easy handle. lim may be NULL. Returns 0 or
 * -ENOMEM. A transfer in progress is aborted (counted interrupted) once
 * exec_stopping() is set. */
int  fetch_init(struct fetch *f, const struct fetch_limits *lim);
void fetch_fini(struct fetch *f);

/* Point f at url, its body going to sink(arg, ...). Returns 0, or -EINVAL
 * when libcurl refuses the URL. */
int fetch_prepare(struct fetch *f, const char *url, fetch_sink_fn sink, void *arg);

/* Run the prepared transfer on the calling thread; sets f->code. */
void fetch_perform(struct fetch *f);

/* How the transfer that just ended went: FETCH_OK for a complete 200. */
enum fetch_err fetch_result(const struct fetch *f);

/* A sink into memory, for small documents (an index): grows up to limit
 * bytes, then fails the transfer as too large. */
struct fetch_buf {
    char  *data;
    size_t len;
    size_t cap;
    size_t limit;
};
int  fetch_buf_sink(void *buf, const void *data, size_t len);
void fetch_buf_free(struct fetch_buf *buf);

#endif
