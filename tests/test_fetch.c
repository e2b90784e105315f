/*
 * test_fetch.c: how a transfer's end is named. Each case is a canned
 * reply from a one-shot server thread on 127.0.0.1 (an oversized header,
 * a body over the limit with a known or a chunked length), a sink that
 * fails, or a process out of descriptors.
 */
#include "check.h"
#include "fetch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/* A server for one connection: reads the request's head, writes reply
 * (reply_len bytes, then chunk_repeat copies of chunk), closes. */
struct canned {
    int         listen_fd;
    unsigned    port;
    const char *reply;
    size_t      reply_len;
    const char *chunk;
    size_t      chunk_repeat;
    pthread_t   thread;
};

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1; /* the client gave up: fine */
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void *canned_serve(void *arg)
{
    struct canned *c  = arg;
    int            fd = accept(c->listen_fd, NULL, NULL);
    if (fd < 0)
        return NULL;
    char   head[4096];
    size_t got = 0;
    while (got < sizeof(head) - 1) {
        ssize_t r = recv(fd, head + got, sizeof(head) - 1 - got, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
        head[got] = '\0';
        if (strstr(head, "\r\n\r\n") != NULL)
            break;
    }
    if (write_all(fd, c->reply, c->reply_len) == 0)
        for (size_t k = 0; k < c->chunk_repeat; k++)
            if (write_all(fd, c->chunk, strlen(c->chunk)) != 0)
                break;
    close(fd);
    return NULL;
}

static int canned_start(struct canned *c)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t          len = sizeof(sin);
    c->listen_fd           = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->listen_fd < 0 || bind(c->listen_fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
        listen(c->listen_fd, 4) != 0 ||
        getsockname(c->listen_fd, (struct sockaddr *)&sin, &len) != 0)
        return -1;
    c->port = ntohs(sin.sin_port);
    return pthread_create(&c->thread, NULL, canned_serve, c) == 0 ? 0 : -1;
}

static void canned_stop(struct canned *c)
{
    pthread_join(c->thread, NULL);
    close(c->listen_fd);
}

static int drop_sink(void *arg, const void *data, size_t len)
{
    (void)arg, (void)data, (void)len;
    return 0;
}

static int failing_sink(void *arg, const void *data, size_t len)
{
    (void)data, (void)len;
    return *(int *)arg;
}

/* Fetch from a canned reply; the fetch's result. */
static enum fetch_err fetch_canned(struct canned *c, uint64_t max_size, fetch_sink_fn sink,
                                   void *arg)
{
    struct fetch_limits lim = {.timeout_ms = 10000, .max_size = max_size};
    struct fetch        f;
    char                url[64];
    if (canned_start(c) != 0 || fetch_init(&f, &lim) != 0)
        return FETCH_ERR__COUNT;
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/x.bin", c->port);
    fetch_prepare(&f, url, sink ? sink : drop_sink, arg);
    fetch_perform(&f);
    enum fetch_err e = fetch_result(&f);
    fetch_fini(&f);
    canned_stop(c);
    return e;
}

static void test_ok(void)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    struct canned     c       = {.reply = reply, .reply_len = sizeof(reply) - 1};
    CHECK(fetch_canned(&c, 0, NULL, NULL) == FETCH_OK);
}

/* A 1 MiB response header: the server's fault, not a write error. */
static void test_header_too_large(void)
{
    size_t len   = 1u << 20;
    char  *reply = malloc(len + 64);
    if (reply == NULL)
        return;
    int off = snprintf(reply, 64, "HTTP/1.1 200 OK\r\nX-Big: ");
    memset(reply + off, 'a', len);
    static const char tail[] = "\r\nContent-Length: 0\r\n\r\n";
    memcpy(reply + off + len, tail, sizeof(tail) - 1);
    struct canned c = {.reply = reply, .reply_len = (size_t)off + len + sizeof(tail) - 1};
    CHECK(fetch_canned(&c, 0, NULL, NULL) == FETCH_ERR_PROTOCOL);
    free(reply);
}

static void test_body_too_large(void)
{
    static const char known[] = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
    struct canned     c1      = {.reply        = known,
                                 .reply_len    = sizeof(known) - 1,
                                 .chunk        = "0123456789",
                                 .chunk_repeat = 10000};
    CHECK(fetch_canned(&c1, 1000, NULL, NULL) == FETCH_ERR_TOO_LARGE);

    /* No length in advance: refused once the body grows past the limit. */
    static const char chunked[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    struct canned     c2        = {.reply        = chunked,
                                   .reply_len    = sizeof(chunked) - 1,
                                   .chunk        = "a\r\n0123456789\r\n",
                                   .chunk_repeat = 10000};
    CHECK(fetch_canned(&c2, 1000, NULL, NULL) == FETCH_ERR_TOO_LARGE);
}

static void test_sink_errors(void)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    int               emfile = -EMFILE, enospc = -ENOSPC;
    struct canned     c1 = {.reply = reply, .reply_len = sizeof(reply) - 1};
    CHECK(fetch_canned(&c1, 0, failing_sink, &emfile) == FETCH_ERR_FD_LIMIT);
    struct canned c2 = {.reply = reply, .reply_len = sizeof(reply) - 1};
    CHECK(fetch_canned(&c2, 0, failing_sink, &enospc) == FETCH_ERR_WRITE);
}

/* Out of descriptors when the socket is opened: fd_limit, not connect. */
static void test_socket_fd_limit(void)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    struct canned     c       = {.reply = reply, .reply_len = sizeof(reply) - 1};
    struct fetch      f;
    struct rlimit     saved, low;
    char              url[64];
    CHECK(canned_start(&c) == 0 && fetch_init(&f, NULL) == 0);
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/x.bin", c.port);

    /* One transfer first, so that whatever libcurl keeps for the handle
     * exists before the limit is lowered; the server then hangs up. */
    fetch_prepare(&f, url, drop_sink, NULL);
    fetch_perform(&f);
    CHECK(fetch_result(&f) == FETCH_OK);
    canned_stop(&c);

    int lowest = dup(0); /* the lowest free descriptor number */
    close(lowest);
    getrlimit(RLIMIT_NOFILE, &saved);
    low = (struct rlimit){.rlim_cur = (rlim_t)lowest, .rlim_max = saved.rlim_max};
    CHECK(lowest > 0 && setrlimit(RLIMIT_NOFILE, &low) == 0);
    fetch_prepare(&f, url, drop_sink, NULL);
    fetch_perform(&f);
    enum fetch_err e = fetch_result(&f);
    setrlimit(RLIMIT_NOFILE, &saved);
    if (e != FETCH_ERR_FD_LIMIT)
        fprintf(stderr, "out of descriptors: got kind %d\n", (int)e);
    CHECK(e == FETCH_ERR_FD_LIMIT);
    fetch_fini(&f);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    test_ok();
    test_header_too_large();
    test_body_too_large();
    test_sink_errors();
    test_socket_fd_limit();
    curl_global_cleanup();
    return check_done("test_fetch");
}
