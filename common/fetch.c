/*
 * fetch.c: libcurl easy handles configured the one way every strategy uses.
 */
#include "fetch.h"

#include "exec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const err_names[FETCH_ERR__COUNT] = {
    [FETCH_OK]          = "ok",
    [FETCH_ERR_CONNECT] = "connect",
    [FETCH_ERR_TIMEOUT] = "timeout",
    [FETCH_ERR_STATUS]  = "status",
    [FETCH_ERR_RESET]   = "reset",
    [FETCH_ERR_WRITE]   = "write",
    [FETCH_ERR_VERIFY]  = "verify",
    [FETCH_ERR_OTHER]   = "other",
    [FETCH_ERR_INTERRUPTED] = "interrupted",
};

const char *fetch_err_name(enum fetch_err e)
{
    return (e >= 0 && e < FETCH_ERR__COUNT) ? err_names[e] : "other";
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct fetch_buf *buf = userdata;
    size_t n = size * nmemb;
    if (n > buf->limit - buf->len)
        return 0; /* too large: libcurl aborts with CURLE_WRITE_ERROR */
    if (buf->len + n > buf->cap) {
        size_t cap = buf->cap ? buf->cap : 16384;
        while (cap < buf->len + n)
            cap *= 2;
        char *p = realloc(buf->data, cap);
        if (p == NULL)
            return 0;
        buf->data = p;
        buf->cap  = cap;
    }
    memcpy(buf->data + buf->len, ptr, n);
    buf->len += n;
    return n;
}

/* libcurl calls this at least once a second during a transfer. */
static int on_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)clientp, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return exec_stopping() != 0; /* non-zero aborts the transfer */
}

CURL *fetch_handle_new(const struct fetch_limits *lim)
{
    CURL *h = curl_easy_init();
    if (h == NULL)
        return NULL;
    long timeout = lim && lim->timeout_ms ? lim->timeout_ms : FETCH_TIMEOUT_MS;
    long connect = lim && lim->connect_timeout_ms ? lim->connect_timeout_ms : FETCH_CONNECT_TIMEOUT;
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 65536L); /* most bodies in one recv */
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "concbench/0.1");
    return h;
}

int fetch_prepare(CURL *h, const char *url, struct fetch_buf *buf)
{
    buf->len = 0;
    if (buf->limit == 0)
        buf->limit = FETCH_BODY_LIMIT;
    if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_WRITEDATA, buf) != CURLE_OK)
        return -ENOMEM;
    return 0;
}

static enum fetch_err classify(CURLcode code)
{
    switch (code) {
    case CURLE_OK:
        return FETCH_OK;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return FETCH_ERR_CONNECT;
    case CURLE_OPERATION_TIMEDOUT:
        return FETCH_ERR_TIMEOUT;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
        return FETCH_ERR_RESET;
    case CURLE_WRITE_ERROR:
    case CURLE_OUT_OF_MEMORY:
        return FETCH_ERR_WRITE;
    case CURLE_ABORTED_BY_CALLBACK:
        return FETCH_ERR_INTERRUPTED;
    default:
        return FETCH_ERR_OTHER;
    }
}

int fetch_complete(CURL *h, CURLcode code, struct fetch_result *r)
{
    curl_off_t total = 0, conn = 0, ttfb = 0, pre = 0;
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total);
    curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &conn);
    curl_easy_getinfo(h, CURLINFO_NAMELOOKUP_TIME_T, &pre);
    curl_easy_getinfo(h, CURLINFO_STARTTRANSFER_TIME_T, &ttfb);
    r->code       = code;
    r->status     = status;
    r->total_ns   = (uint64_t)total * 1000u;
    r->connect_ns = (uint64_t)(conn > pre ? conn - pre : 0) * 1000u;
    r->ttfb_ns    = (uint64_t)ttfb * 1000u;
    r->err        = classify(code);
    if (r->err == FETCH_OK && status != 200)
        r->err = FETCH_ERR_STATUS;
    return r->err == FETCH_OK ? 0 : -EIO;
}

int fetch_blocking(CURL *h, const char *url, struct fetch_buf *buf, struct fetch_result *r)
{
    if (fetch_prepare(h, url, buf) != 0) {
        memset(r, 0, sizeof(*r));
        r->err = FETCH_ERR_OTHER;
        return -ENOMEM;
    }
    return fetch_complete(h, curl_easy_perform(h), r);
}

void fetch_buf_free(struct fetch_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}
