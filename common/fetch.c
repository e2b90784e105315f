/*
 * fetch.c: libcurl easy handles configured the one way every strategy
 * uses, and the classification of how a transfer ended.
 */
#include "fetch.h"

#include "exec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

const char *const fetch_err_names[] = {
    "connect",  "timeout", "status", "reset",  "protocol", "too_large",
    "fd_limit", "write",   "verify", "memory", "other",    NULL,
};
_Static_assert(sizeof(fetch_err_names) / sizeof(fetch_err_names[0]) == FETCH_ERR_OTHER + 1,
               "one name per failure kind");

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct fetch *f = userdata;
    size_t        n = size * nmemb;
    f->header_bytes += n;
    if (f->header_bytes > FETCH_HEADER_MAX) {
        f->header_overflow = 1;
        return 0; /* libcurl aborts the transfer */
    }
    (void)ptr;
    return n;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct fetch *f = userdata;
    size_t        n = size * nmemb;
    if (f->status == 0)
        curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &f->status);
    if (f->status != 200)
        return n; /* an error page: read and dropped */
    if (n > f->max_size - f->body_bytes) {
        f->too_large = 1; /* known in advance, or chunked and growing */
        return 0;
    }
    f->body_bytes += n;
    if (f->sink != NULL && (f->sink_err = f->sink(f->sink_arg, ptr, n)) != 0)
        return 0;
    return n;
}

/* Open the transfer's socket here, so that when the process is out of
 * descriptors the errno is known for certain (fd_limit, not connect). */
static curl_socket_t on_open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
    struct fetch *f = clientp;
    (void)purpose;
    int fd = socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
    if (fd < 0) {
        f->open_errno = errno;
        return CURL_SOCKET_BAD;
    }
    return fd;
}

/* libcurl calls this at least once a second during a transfer. */
static int on_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)clientp, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return exec_stopping() != 0; /* non-zero aborts the transfer */
}

int fetch_init(struct fetch *f, const struct fetch_limits *lim)
{
    *f = (struct fetch){.h = curl_easy_init()};
    if (f->h == NULL)
        return -ENOMEM;
    long timeout = lim && lim->timeout_ms ? lim->timeout_ms : FETCH_TIMEOUT_MS;
    long connect = lim && lim->connect_timeout_ms ? lim->connect_timeout_ms : FETCH_CONNECT_TIMEOUT;
    f->max_size  = lim && lim->max_size ? lim->max_size : FETCH_MAX_SIZE;
    CURL *h      = f->h;
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, f);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(h, CURLOPT_PRIVATE, f);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, f);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->max_size);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 65536L); /* most bodies in one recv */
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "concbench/0.2");
    if (lim && lim->headers) /* libcurl only reads the list */
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, (struct curl_slist *)lim->headers);
    return 0;
}

void fetch_fini(struct fetch *f)
{
    if (f->h != NULL)
        curl_easy_cleanup(f->h);
    f->h = NULL;
}

int fetch_prepare(struct fetch *f, const char *url, fetch_sink_fn sink, void *arg)
{
    f->sink       = sink;
    f->sink_arg   = arg;
    f->body_bytes = f->header_bytes = 0;
    f->status                       = 0;
    f->sink_err                     = 0;
    f->open_errno                   = 0;
    f->too_large = f->header_overflow = 0;
    f->code                           = CURLE_OK;
    return curl_easy_setopt(f->h, CURLOPT_URL, url) == CURLE_OK ? 0 : -EINVAL;
}

void fetch_perform(struct fetch *f)
{
    exec_blocking_begin();
    f->code = curl_easy_perform(f->h);
    exec_blocking_end();
}

static int fd_exhausted(int err)
{
    return err == EMFILE || err == ENFILE;
}

/* What the CURLcode alone says. */
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
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return FETCH_ERR_PROTOCOL;
    case CURLE_FILESIZE_EXCEEDED:
        return FETCH_ERR_TOO_LARGE;
    case CURLE_WRITE_ERROR:
    case CURLE_OUT_OF_MEMORY:
        return FETCH_ERR_WRITE;
    case CURLE_ABORTED_BY_CALLBACK:
        return FETCH_ERR_INTERRUPTED;
    default:
        return FETCH_ERR_OTHER;
    }
}

enum fetch_err fetch_result(const struct fetch *f)
{
    long os_errno = 0;
    /* libcurl refuses a header line over its own limit (100 KiB) with
     * "out of memory" before any body: the reply's fault, not ours. */
    if (f->header_overflow || (f->code == CURLE_OUT_OF_MEMORY && f->status == 0 &&
                               f->header_bytes > 0))
        return FETCH_ERR_PROTOCOL;
    if (f->code == CURLE_OUT_OF_MEMORY) /* before any reply came: memory, really */
        return FETCH_ERR_MEMORY;
    if (f->too_large)
        return FETCH_ERR_TOO_LARGE;
    if (f->sink_err != 0)
        return fd_exhausted(-f->sink_err) ? FETCH_ERR_FD_LIMIT : FETCH_ERR_WRITE;
    if (f->code != CURLE_OK && fd_exhausted(f->open_errno))
        return FETCH_ERR_FD_LIMIT;
    enum fetch_err e = classify(f->code);
    if (e == FETCH_ERR_CONNECT || e == FETCH_ERR_OTHER || e == FETCH_ERR_RESET) {
        curl_easy_getinfo(f->h, CURLINFO_OS_ERRNO, &os_errno);
        if (fd_exhausted((int)os_errno))
            return FETCH_ERR_FD_LIMIT;
    }
    if (e != FETCH_OK)
        return e;
    long status = 0;
    curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &status);
    return status == 200 ? FETCH_OK : FETCH_ERR_STATUS;
}

void fetch_phases(const struct fetch *f, uint32_t us[3])
{
    static const CURLINFO what[3] = {CURLINFO_NAMELOOKUP_TIME_T, CURLINFO_CONNECT_TIME_T,
                                     CURLINFO_STARTTRANSFER_TIME_T};
    for (int k = 0; k < 3; k++) {
        curl_off_t t = 0;
        if (curl_easy_getinfo(f->h, what[k], &t) != CURLE_OK || t < 0)
            t = 0;
        us[k] = t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
    }
}

int fetch_buf_sink(void *arg, const void *data, size_t len)
{
    struct fetch_buf *buf = arg;
    if (len > buf->limit - buf->len)
        return -EFBIG;
    if (buf->len + len + 1 > buf->cap) {
        size_t cap = buf->cap ? buf->cap : 16384;
        while (cap < buf->len + len + 1)
            cap *= 2;
        char *p = realloc(buf->data, cap);
        if (p == NULL)
            return -ENOMEM;
        buf->data = p;
        buf->cap  = cap;
    }
    memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return 0;
}

void fetch_buf_free(struct fetch_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}
