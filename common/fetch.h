/*
 * fetch.h: one HTTP transfer into memory with libcurl.
 *
 * A fetch handle is a libcurl easy handle configured once (no signals,
 * keep-alive, timeouts, our write callback) and then reused for every
 * transfer of one worker, so connections are reused the same way by every
 * strategy. A transfer can run blocking (fetch_blocking) or be prepared with
 * fetch_prepare, handed to a multi handle by the caller, and completed with
 * fetch_complete when the multi handle reports it done.
 *
 * This module does not save, verify, or know what the bytes are. It checks
 * the HTTP status itself (never CURLOPT_FAILONERROR, which would hide the
 * status from the error counts).
 *
 * Preconditions: curl_global_init() ran once in main before any thread.
 * Thread-safety: a handle and its buffer belong to one thread at a time.
 */
#ifndef CONCBENCH_FETCH_H
#define CONCBENCH_FETCH_H

#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>

/* A growable body buffer. limit caps the body; a larger one fails the
 * transfer (CURLE_WRITE_ERROR) instead of exhausting memory. */
struct fetch_buf {
    char  *data;
    size_t len;
    size_t cap;
    size_t limit;
};

/* Why a transfer failed, counted per kind like wrk does. */
enum fetch_err {
    FETCH_OK = 0,
    FETCH_ERR_CONNECT,  /* could not connect / resolve */
    FETCH_ERR_TIMEOUT,
    FETCH_ERR_STATUS,   /* HTTP status other than 200 */
    FETCH_ERR_RESET,    /* connection broke while sending or receiving */
    FETCH_ERR_WRITE,    /* body too large, out of memory, save failed */
    FETCH_ERR_VERIFY,   /* size or checksum did not match */
    FETCH_ERR_OTHER,
    FETCH_ERR_INTERRUPTED, /* stopped by SIGINT/SIGTERM */
    FETCH_ERR__COUNT
};

/* Short lower-case name of an error kind ("connect", "timeout", ...). */
const char *fetch_err_name(enum fetch_err e);

struct fetch_result {
    enum fetch_err err;
    CURLcode       code;
    long           status;       /* HTTP status, 0 if none arrived */
    uint64_t       total_ns;     /* libcurl's total time */
    uint64_t       connect_ns;   /* 0 when the connection was reused */
    uint64_t       ttfb_ns;      /* time to first byte */
};

/* Default per-transfer limits. */
#define FETCH_BODY_LIMIT      (256u << 20)
#define FETCH_TIMEOUT_MS      30000L
#define FETCH_CONNECT_TIMEOUT 10000L

/* Per-transfer limits; zero fields take the defaults above. */
struct fetch_limits {
    long timeout_ms;
    long connect_timeout_ms;
};

/* A configured easy handle, or NULL when libcurl cannot make one. lim may
 * be NULL. A transfer in progress is aborted (CURLE_ABORTED_BY_CALLBACK)
 * once exec_stopping() is set. */
CURL *fetch_handle_new(const struct fetch_limits *lim);

/* Point h at url, writing into buf (emptied first). Returns 0, or -ENOMEM
 * when libcurl refuses the URL or option. */
int fetch_prepare(CURL *h, const char *url, struct fetch_buf *buf);

/* After h ran (blocking or in a multi handle) with result code: fill *r
 * (status, timings, error kind). Returns 0 on a complete 200 response,
 * -EIO otherwise. */
int fetch_complete(CURL *h, CURLcode code, struct fetch_result *r);

/* fetch_prepare + curl_easy_perform + fetch_complete. */
int fetch_blocking(CURL *h, const char *url, struct fetch_buf *buf, struct fetch_result *r);

void fetch_buf_free(struct fetch_buf *buf);

#endif
