/*
 * serve.c: `concbench serve`, the fixture HTTP server.
 *
 * A server that is always there, offline, and never the bottleneck: libevent
 * evhttp, one event loop per thread (--threads, default 1; the loops share
 * the port with SO_REUSEPORT and the kernel spreads the connections across
 * them), file bodies generated in memory from a seed
 * (common/fixture.c), an index JSON shaped like an image-gallery API, and a
 * per-request delay implemented as a timer event, so thousands of delayed
 * requests cost a timer each, not a sleeping thread each. Keep-alive is
 * on (evhttp's default for HTTP/1.1) and the listen backlog is large.
 *
 *   GET /index.json     {"data":[{"id","link","size","checksum"}...]}
 *   GET /files/NAME     the body of file NAME
 *   the course's APIs   flags, imgur's gallery, Spotify (course.c)
 *   anything else       404
 *
 * It listens on 127.0.0.1 unless --listen names another address (a class
 * sharing the teacher's server); links name the address a request came to
 * (its Host header), so a student's machine gets links it can reach.
 *
 * Faults, for the client's error handling: --error-rate (HTTP 500),
 * --not-found-rate (404 for a listed file), --reset-rate (half the body,
 * then the connection is shut down) and --stall-ms with --stall-rate
 * (headers sent, then the body waits). Each file request draws its fault
 * from (seed, file, how many times that file was asked for), so the same
 * seed gives the same faults whatever order concurrent requests arrive in,
 * and a retry draws again.
 *
 * It is not a general web server: it reads nothing from disk and serves
 * GET and HEAD (HEAD: the headers and length a GET would get, no body, no
 * fault), and POST for the course's token only. A request's line and headers may take 64 KiB, its body
 * 1 MiB; beyond that the connection is refused and closed.
 */
#include "cli.h"

#include "checksum.h"
#include "course.h"
#include "cmdline.h"
#include "fixture.h"
#include "save.h"
#include "util.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SERVE_BACKLOG     4096
#define SERVE_MAX_FILES   100000
#define SERVE_MAX_HEADERS (64 << 10) /* request line and headers, bytes */
#define SERVE_MAX_BODY    (1 << 20)  /* request body, bytes */
#define SERVE_MAX_DELAYS  1000       /* values of --delays */
#define SERVE_MAX_THREADS 64

struct file {
    unsigned char *body;
    size_t         len;
    unsigned       requests; /* times asked for: the fault draw's counter (atomic) */
};

enum fault { FAULT_NONE, FAULT_ERROR, FAULT_NOT_FOUND, FAULT_RESET, FAULT_STALL };

struct faults {
    double   error_rate;
    double   not_found_rate;
    double   reset_rate;
    double   stall_rate;
    unsigned stall_ms;
};

struct pending;
struct server;

/* One event loop: its thread's base, HTTP server and listener, and what
 * only it touches. */
struct loop {
    struct server     *srv;
    struct event_base *base;
    struct evhttp     *http;
    struct event      *stop; /* the stop pipe became readable */
    /* --delay-ms as one of libevent's common timeouts: every reply waits
     * the same time, so a FIFO queue replaces a heap insert per request. */
    const struct timeval *common_delay;
    struct pending       *pending; /* delayed replies not sent yet */
    uint64_t              rng;     /* jitter draws: deterministic from the seed and the loop */
    uint64_t              requests;
    uint64_t              fault_counts[5];
    pthread_t             thread;
};

/* What every loop shares, read-only once serving starts (but the files'
 * request counters). */
struct server {
    struct course *course; /* the course's APIs (course.h) */
    struct file  *files;
    size_t        nfiles;
    char         *index;
    size_t        index_len;
    uint64_t      seed;
    unsigned      delay_ms; /* every reply, or only the index and 404s with --delays */
    unsigned      jitter_ms;
    unsigned     *delays; /* --delays: file i waits delays[i % ndelays] */
    size_t        ndelays;
    struct faults faults;
    unsigned      port;
    struct in_addr addr;         /* --listen */
    char          listen[INET_ADDRSTRLEN];
    char          self[INET_ADDRSTRLEN + 8]; /* "ADDR:PORT": links name it unless a request names another */
    struct loop  *loops;
    unsigned      nloops;
    int           stop_pipe[2]; /* written once on SIGINT/SIGTERM, never read: wakes every loop */
};

/* A reply waiting for its delay timer, or for its first half to be
 * written (FAULT_RESET). The request is the server's until it is sent:
 * if the client hangs up first, evhttp detaches it from the connection
 * and the server frees it (on_conn_close). */
struct pending {
    struct loop              *loop;
    struct evhttp_request    *req;
    struct evhttp_connection *conn;
    struct event             *timer;
    enum fault                fault;
    int                       stage; /* faults that happen in two steps */
    int                       status;
    const void               *body;
    size_t                    len;
    int                       owned; /* body is malloc'd and this reply's to free */
    struct pending           *prev, *next;
};

static const char not_found[]    = "not found\n";
static const char bad_length[]   = "conflicting Content-Length headers\n";
static const char server_error[] = "injected server error\n";

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* The fault for the nth request of file i: a pure function of the seed. */
static enum fault draw_fault(const struct server *srv, size_t i, unsigned nth)
{
    const struct faults *f     = &srv->faults;
    uint64_t             h     = mix64(srv->seed ^ mix64((uint64_t)i * 0x9e3779b97f4a7c15u + nth));
    double               u     = (double)(h >> 11) / 9007199254740992.0;
    double               stall = (double)(mix64(h) >> 11) / 9007199254740992.0;
    if (u < f->error_rate)
        return FAULT_ERROR;
    u -= f->error_rate;
    if (u < f->not_found_rate)
        return FAULT_NOT_FOUND;
    u -= f->not_found_rate;
    if (u < f->reset_rate)
        return FAULT_RESET;
    if (f->stall_ms > 0 && stall < f->stall_rate)
        return FAULT_STALL;
    return FAULT_NONE;
}

static int is_head(struct evhttp_request *req)
{
    return evhttp_request_get_command(req) == EVHTTP_REQ_HEAD;
}

static void free_body(const void *data, size_t len, void *extra)
{
    (void)len;
    (void)extra;
    free((void *)data);
}

/* Send the reply now. A body the reply owns is freed once sent. A
 * Content-Type already set (the course's replies) is kept. */
static void reply_now_owned(struct server *srv, struct evhttp_request *req, int status,
                            const void *body, size_t len, int owned)
{
    struct evbuffer  *out = evbuffer_new();
    struct evkeyvalq *h   = evhttp_request_get_output_headers(req);
    if (out == NULL) {
        if (owned)
            free((void *)body);
        evhttp_send_error(req, 500, "out of memory");
        return;
    }
    if (evhttp_find_header(h, "Content-Type") == NULL)
        evhttp_add_header(h, "Content-Type",
                          status == 200 && body != srv->index ? "application/octet-stream"
                          : status == 200                     ? "application/json"
                                                              : "text/plain");
    size_t send = len;
    if (is_head(req)) { /* the length a GET would get, and no body (evhttp would send it) */
        char clen[24];
        snprintf(clen, sizeof(clen), "%zu", len);
        evhttp_add_header(h, "Content-Length", clen);
        send = 0;
    }
    if (owned && send == 0)
        free((void *)body);
    else /* bodies outlive the reply: the server's, or freed when sent */
        evbuffer_add_reference(out, body, send, owned ? free_body : NULL, NULL);
    evhttp_send_reply(req, status,
                      status == 200   ? "OK"
                      : status == 404 ? "Not Found"
                      : status == 400 ? "Bad Request"
                      : status == 401 ? "Unauthorized"
                      : status == 405 ? "Method Not Allowed"
                                      : "Internal Server Error",
                      out);
    evbuffer_free(out);
}

static void pending_unlink(struct pending *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        p->loop->pending = p->next;
    if (p->next)
        p->next->prev = p->prev;
}

/* Start a 200 reply whose body is sent later, in pieces: headers now. */
static void reply_start(struct evhttp_request *req, size_t len)
{
    char              clen[24];
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    snprintf(clen, sizeof(clen), "%zu", len);
    evhttp_add_header(h, "Content-Type", "application/octet-stream");
    evhttp_add_header(h, "Content-Length", clen); /* not chunked: a short body is a short body */
    evhttp_send_reply_start(req, 200, "OK");
}

static void send_part(struct evhttp_request *req, const void *data, size_t len,
                      void (*done)(struct evhttp_connection *, void *), void *arg)
{
    struct evbuffer *out = evbuffer_new();
    if (out == NULL)
        return;
    evbuffer_add_reference(out, data, len, NULL, NULL);
    evhttp_send_reply_chunk_with_cb(req, out, done, arg);
    evbuffer_free(out);
}

static void pending_free(struct pending *p)
{
    pending_unlink(p);
    event_free(p->timer);
    if (p->owned) /* never sent: the client went away */
        free((void *)p->body);
    free(p);
}

/* FAULT_RESET: half the body is out; cut the connection mid-body. */
static void on_half_sent(struct evhttp_connection *conn, void *arg)
{
    struct pending     *p   = arg;
    struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
    if (bev != NULL)
        shutdown(bufferevent_getfd(bev), SHUT_RDWR);
    evhttp_send_reply_end(p->req);
    pending_free(p);
}

/* A connection is going away. Replies still pending on it will never be
 * sent: a request evhttp has detached (the client hung up first) is
 * freed here, one still attached is freed by evhttp right after. */
static void on_conn_close(struct evhttp_connection *conn, void *arg)
{
    struct loop *loop = arg;
    for (struct pending *p = loop->pending, *next; p != NULL; p = next) {
        next = p->next;
        if (p->conn != conn)
            continue;
        if (evhttp_request_get_connection(p->req) == NULL)
            evhttp_request_free(p->req);
        pending_free(p);
    }
}

static void on_delay_done(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct pending *p   = arg;
    struct server  *srv = p->loop->srv;
    if (evhttp_request_get_connection(p->req) == NULL) { /* the client is gone */
        evhttp_request_free(p->req);
        pending_free(p);
        return;
    }
    switch (p->fault) {
    case FAULT_RESET: /* p lives on until the first half is written */
        reply_start(p->req, p->len);
        send_part(p->req, p->body, p->len / 2, on_half_sent, p);
        return;
    case FAULT_STALL:
        if (p->stage == 0) { /* headers now, the body after the stall */
            reply_start(p->req, p->len);
            p->stage          = 1;
            struct timeval tv = {.tv_sec  = srv->faults.stall_ms / 1000,
                                 .tv_usec = (srv->faults.stall_ms % 1000) * 1000};
            evtimer_add(p->timer, &tv);
            return;
        }
        send_part(p->req, p->body, p->len, NULL, NULL);
        evhttp_send_reply_end(p->req);
        break;
    default:
        reply_now_owned(srv, p->req, p->status, p->body, p->len, p->owned);
        p->owned = 0; /* the reply has it now */
        break;
    }
    pending_free(p);
}

static uint64_t next_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* Reply after ms (+ jitter), or at once without a delay; a fault that
 * needs more than one step always goes through a timer. */
static void reply_owned(struct loop *loop, struct evhttp_request *req, int status,
                        const void *body, size_t len, enum fault fault, unsigned ms, int owned)
{
    struct server *srv = loop->srv;
    if (srv->jitter_ms)
        ms += (unsigned)(next_rand(&loop->rng) % (srv->jitter_ms + 1u));
    if (ms == 0 && fault != FAULT_RESET && fault != FAULT_STALL) {
        reply_now_owned(srv, req, status, body, len, owned);
        return;
    }
    struct pending *p = calloc(1, sizeof(*p));
    if (p == NULL || (p->timer = evtimer_new(loop->base, on_delay_done, p)) == NULL) {
        free(p);
        if (owned)
            free((void *)body);
        evhttp_send_error(req, 500, "out of memory");
        return;
    }
    p->owned = owned;
    p->loop   = loop;
    p->req    = req;
    p->conn   = evhttp_request_get_connection(req);
    p->fault  = fault;
    p->status = status;
    p->body   = body;
    p->len    = len;
    p->next   = loop->pending;
    if (p->next)
        p->next->prev = p;
    loop->pending = p;
    if (p->conn != NULL)
        evhttp_connection_set_closecb(p->conn, on_conn_close, loop);
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    evtimer_add(p->timer, ms == srv->delay_ms && loop->common_delay ? loop->common_delay : &tv);
}

static void reply(struct loop *loop, struct evhttp_request *req, int status, const void *body,
                  size_t len, enum fault fault, unsigned ms)
{
    reply_owned(loop, req, status, body, len, fault, ms, 0);
}

/* How long file i's replies wait. */
static unsigned file_delay(const struct server *srv, size_t i)
{
    return srv->ndelays ? srv->delays[i % srv->ndelays] : srv->delay_ms;
}

/* Send each reply whole and at once. bufferevents write at most 16 KiB per
 * call by default, and with Nagle on, the tail of a larger body waits for
 * the client's delayed ACK: 40 ms stalls that would swamp the delays the
 * benchmark means to measure. TCP_NODELAY is set once, on the listening
 * socket: Linux gives it to every accepted one, which spares a system
 * call per request. */
static void tune_connection(struct evhttp_request *req)
{
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    struct bufferevent       *bev  = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
    if (bev != NULL)
        bufferevent_set_max_single_write(bev, 1 << 20);
}

/* The request's Host when it is a plain host[:port] another than the
 * server's own, else NULL. */
static const char *request_host(struct evhttp_request *req)
{
    const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), "Host");
    if (h == NULL || *h == '\0' || strlen(h) > 255)
        return NULL;
    for (const char *p = h; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(".-:[]", *p))
            return NULL;
    return h;
}

/* The index with host in its links instead of the server's own address
 * (a new string to free), or NULL: the server's own is right. */
static char *index_for(const struct server *srv, const char *host)
{
    if (host == NULL || strcmp(host, srv->self) == 0)
        return NULL;
    char from[64], to[300];
    snprintf(from, sizeof(from), "http://%s/", srv->self);
    snprintf(to, sizeof(to), "http://%s/", host);
    size_t n = 0, lf = strlen(from), lt = strlen(to);
    for (const char *p = srv->index; (p = strstr(p, from)) != NULL; p += lf)
        n++;
    char *out = malloc(srv->index_len + n * (lt > lf ? lt - lf : 0) + 1), *w = out;
    if (out == NULL)
        return NULL;
    const char *p = srv->index, *q;
    for (; (q = strstr(p, from)) != NULL; p = q + lf) { /* what precedes each link, then its host */
        memcpy(w, p, (size_t)(q - p));
        w += q - p;
        memcpy(w, to, lt);
        w += lt;
    }
    strcpy(w, p); /* the rest, once */
    return out;
}

/* The course's APIs (course.h), with the server's delay. 0: not one. */
static int course_request(struct loop *loop, struct evhttp_request *req, const char *path)
{
    struct server    *srv = loop->srv;
    struct evkeyvalq *in  = evhttp_request_get_input_headers(req);
    struct evbuffer  *buf = evhttp_request_get_input_buffer(req);
    const char       *method;
    switch (evhttp_request_get_command(req)) {
    case EVHTTP_REQ_GET: method = "GET"; break;
    case EVHTTP_REQ_HEAD: method = "HEAD"; break;
    case EVHTTP_REQ_POST: method = "POST"; break;
    default: return 0;
    }
    size_t              len  = buf ? evbuffer_get_length(buf) : 0;
    const char         *body = len ? (const char *)evbuffer_pullup(buf, -1) : "";
    struct course_reply cr;
    if (srv->course == NULL || path == NULL ||
        !course_route(srv->course, method, path, evhttp_find_header(in, "Authorization"), body,
                      len, evhttp_find_header(in, "Host"), &cr))
        return 0;
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", cr.type);
    reply_owned(loop, req, cr.status, cr.body, cr.len, FAULT_NONE, srv->delay_ms, cr.owned);
    return 1;
}

/* Two Content-Length headers that disagree. */
static int conflicting_length(struct evhttp_request *req)
{
    const char      *first = NULL;
    for (struct evkeyval *h = evhttp_request_get_input_headers(req)->tqh_first; h != NULL;
         h = h->next.tqe_next) {
        if (strcasecmp(h->key, "Content-Length") != 0)
            continue;
        if (first != NULL && strcmp(first, h->value) != 0)
            return 1;
        first = h->value;
    }
    return 0;
}

static void on_request(struct evhttp_request *req, void *arg)
{
    struct loop   *loop = arg;
    struct server *srv  = loop->srv;
    const char    *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
    size_t         i;
    loop->requests++;
    tune_connection(req);
    if (conflicting_length(req)) {
        /* Which length frames the body? Either answer lets a request be
         * smuggled past a proxy that chose the other (RFC 9112 6.3): 400,
         * and the connection closed, as nginx does. */
        evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
        reply(loop, req, 400, bad_length, sizeof(bad_length) - 1, FAULT_NONE, 0);
        return;
    }
    if (path != NULL && strcmp(path, "/index.json") == 0) {
        /* Links name the address the request came to (a student's machine
         * knows the teacher's by another name than 127.0.0.1). */
        char *mine = index_for(srv, request_host(req));
        if (mine != NULL) {
            evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                              "application/json");
            reply_owned(loop, req, 200, mine, strlen(mine), FAULT_NONE, srv->delay_ms, 1);
        } else {
            reply(loop, req, 200, srv->index, srv->index_len, FAULT_NONE, srv->delay_ms);
        }
    } else if (path != NULL && strncmp(path, "/files/", 7) == 0 &&
               fixture_index(path + 7, srv->nfiles, &i) == 0) {
        struct file *f  = &srv->files[i];
        unsigned     ms = file_delay(srv, i);
        if (is_head(req)) { /* headers only: no fault drawn, GETs keep their sequence */
            reply(loop, req, 200, f->body, f->len, FAULT_NONE, ms);
            return;
        }
        /* The nth request of a file draws the nth fault, whichever loop
         * takes it. */
        enum fault fault =
            draw_fault(srv, i, __atomic_fetch_add(&f->requests, 1, __ATOMIC_RELAXED));
        loop->fault_counts[fault]++;
        if (fault == FAULT_ERROR)
            reply(loop, req, 500, server_error, sizeof(server_error) - 1, FAULT_NONE, ms);
        else if (fault == FAULT_NOT_FOUND)
            reply(loop, req, 404, not_found, sizeof(not_found) - 1, FAULT_NONE, ms);
        else
            reply(loop, req, 200, f->body, f->len, fault, ms);
    } else if (!course_request(loop, req, path)) {
        reply(loop, req, 404, not_found, sizeof(not_found) - 1, FAULT_NONE, srv->delay_ms);
    }
}

/* Stop every loop: one byte in the stop pipe, never read, makes it
 * readable for all of them (when the write fails, a byte is there). */
static void stop_loops(struct server *srv)
{
    ssize_t n = write(srv->stop_pipe[1], "x", 1);
    (void)n;
}

/* SIGINT or SIGTERM, caught on the first loop. */
static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)sig;
    (void)what;
    stop_loops(arg);
}

static void on_stop(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    event_base_loopexit(arg, NULL);
}

static int make_files(struct server *srv)
{
    srv->files = calloc(srv->nfiles, sizeof(*srv->files));
    if (srv->files == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < srv->nfiles; i++) {
        srv->files[i].len = fixture_size(srv->seed, i);
        if ((srv->files[i].body = malloc(srv->files[i].len)) == NULL)
            return -ENOMEM;
        fixture_fill(srv->seed, i, srv->files[i].body);
    }
    return 0;
}

static int make_index(struct server *srv, unsigned port)
{
    cJSON *root = cJSON_CreateObject();
    /* What the client needs to compute its latency bound. */
    cJSON_AddNumberToObject(root, "delay_ms", srv->delay_ms);
    cJSON_AddNumberToObject(root, "jitter_ms", srv->jitter_ms);
    cJSON *data = cJSON_AddArrayToObject(root, "data");
    for (size_t i = 0; i < srv->nfiles && data != NULL; i++) {
        char name[FIXTURE_NAME_MAX], link[128], sum[CHECKSUM_STRLEN + 1];
        fixture_name(i, name);
        snprintf(link, sizeof(link), "http://%s:%u/files/%s", srv->listen, port, name);
        checksum_format(srv->files[i].body, srv->files[i].len, sum);
        cJSON *item = cJSON_CreateObject();
        cJSON_AddItemToArray(data, item);
        name[strcspn(name, ".")] = '\0';
        cJSON_AddStringToObject(item, "id", name);
        cJSON_AddStringToObject(item, "link", link);
        cJSON_AddNumberToObject(item, "size", (double)srv->files[i].len);
        cJSON_AddStringToObject(item, "checksum", sum);
        if (srv->ndelays)
            cJSON_AddNumberToObject(item, "delay_ms", file_delay(srv, i));
    }
    srv->index = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (srv->index == NULL)
        return -ENOMEM;
    srv->index_len = strlen(srv->index);
    return 0;
}

static void free_files(struct server *srv)
{
    for (size_t i = 0; srv->files != NULL && i < srv->nfiles; i++)
        free(srv->files[i].body);
    free(srv->files);
    free(srv->index);
    free(srv->delays);
    course_free(srv->course);
    srv->course = NULL;
}

/* --dump DIR: write the file set to DIR instead of serving it. */
static int dump_files(struct server *srv, const char *dir)
{
    struct save_dir d;
    int             rc = save_dir_open(dir, &d);
    if (rc != 0)
        return usage_error("serve --dump %s: %s", dir, strerror(-rc));
    save_dir_close(&d);
    for (size_t i = 0; i < srv->nfiles; i++) {
        char name[FIXTURE_NAME_MAX];
        fixture_name(i, name);
        if ((rc = save_atomic(dir, name, srv->files[i].body, srv->files[i].len)) != 0)
            return usage_error("serve --dump %s/%s: %s", dir, name, strerror(-rc));
    }
    return 0;
}

struct serve_opts {
    uint64_t    port;
    uint64_t    files;
    uint64_t    seed;
    uint64_t    delay_ms;
    const char *delays;
    uint64_t    jitter_ms;
    const char *dump;
    double      error_rate;
    double      not_found_rate;
    double      reset_rate;
    uint64_t    stall_ms;
    double      stall_rate;
    uint64_t    threads;
    const char *listen;
    int         help;
};

#define RATE(n, f, h)                                                                              \
    {                                                                                              \
        .name = n, .type = OPT_REAL, .offset = offsetof(struct serve_opts, f), .metavar = "R",     \
        .help = h, .fmin = 0, .fmax = 1                                                            \
    }
#define MS(n, f, d, h)                                                                             \
    {                                                                                              \
        .name = n, .type = OPT_UINT, .offset = offsetof(struct serve_opts, f), .def = d,           \
        .metavar = "MS", .help = h, .min = 0, .max = 600000                                        \
    }

static const struct opt serve_options[] = {
    {.name    = "port",
     .type    = OPT_UINT,
     .offset  = offsetof(struct serve_opts, port),
     .def     = "0",
     .metavar = "P",
     .help    = "port to listen on; 0 picks a free one",
     .min     = 0,
     .max     = 65535},
    {.name   = "files",
     .type   = OPT_UINT,
     .offset = offsetof(struct serve_opts, files),
     .def    = "194",
     .help   = "number of files (one per country flag by default)",
     .min    = 1,
     .max    = SERVE_MAX_FILES},
    {.name    = "seed",
     .type    = OPT_UINT,
     .offset  = offsetof(struct serve_opts, seed),
     .def     = "1",
     .metavar = "S",
     .help    = "seed of sizes, bodies and faults",
     .min     = 0,
     .max     = UINT64_MAX},
    MS("delay-ms", delay_ms, "0", "delay every reply by MS, with a timer"),
    {.name    = "delays",
     .type    = OPT_TEXT,
     .offset  = offsetof(struct serve_opts, delays),
     .metavar = "MS[,MS...]",
     .help    = "uneven tasks: file i waits the (i mod k)-th of these k delays (the index "
                "lists each file's)"},
    MS("jitter-ms", jitter_ms, "0", "add 0..MS to each delay, drawn from the seed"),
    {.name    = "listen",
     .type    = OPT_TEXT,
     .offset  = offsetof(struct serve_opts, listen),
     .def     = "127.0.0.1",
     .metavar = "ADDR",
     .help    = "IPv4 address to listen on; another than loopback lets other machines in (a "
                "class sharing the teacher's server), and is said on stderr"},
    {.name    = "threads",
     .type    = OPT_UINT,
     .offset  = offsetof(struct serve_opts, threads),
     .def     = "1",
     .metavar = "N",
     .help    = "event loops, one per thread, sharing the port (SO_REUSEPORT): the kernel "
                "spreads the connections across them",
     .min     = 1,
     .max     = SERVE_MAX_THREADS},
    {.name    = "dump",
     .type    = OPT_TEXT,
     .offset  = offsetof(struct serve_opts, dump),
     .metavar = "DIR",
     .help    = "write the files to DIR and exit instead of serving"},
    RATE("error-rate", error_rate, "fault: reply 500 to this fraction of file requests"),
    RATE("not-found-rate", not_found_rate, "fault: reply 404 for a listed file"),
    RATE("reset-rate", reset_rate, "fault: send half the body, then shut the connection down"),
    MS("stall-ms", stall_ms, "0", "fault: send the headers, then hold the body MS"),
    RATE("stall-rate", stall_rate,
         "... for this fraction of requests (needs --stall-ms; 1 when "
         "not given)"),
    {.name   = "help",
     .type   = OPT_FLAG,
     .offset = offsetof(struct serve_opts, help),
     .help   = "this help"},
    OPT_END,
};

static void serve_help(FILE *f)
{
    fprintf(f, "usage: concbench serve [options]\n\n"
               "Serve a deterministic set of files on http://ADDR:PORT (127.0.0.1 unless --listen\n"
               "says otherwise) until SIGINT or SIGTERM. The first line on stdout is\n"
               "'listening on http://ADDR:PORT'. Faults are drawn per file and request count\n"
               "from the seed.\n\n");
    opt_help(f, serve_options);
    fprintf(
        f,
        "\n  GET /index.json    {\"delay_ms\",\"data\":[{\"id\",\"link\",\"size\",\"checksum\"}]}\n"
        "  GET /files/NAME    the file's body\n"
        "\nThe course's APIs, at the paths its notebooks call (only their base URL changes):\n"
        "  GET /flags/CC/CC.gif, /flags/CC/metadata.json     Fluent Python's flags (194 codes)\n"
        "  GET /3/gallery/random/random/   imgur's gallery (Authorization: Client-ID <any>)\n"
        "  GET /i/NAME                     a gallery image: GIF, PNG or JPEG\n"
        "  POST /api/token                 Spotify's client credentials: a Bearer token\n"
        "  GET /v1/albums/ID/tracks        an album's tracks (Authorization: Bearer <token>)\n"
        "  GET /course/index.json          every course file, with size and checksum\n"
        "Links name the address a request came to (its Host). Anything else is 404.\n");
}

/* "200,200,500" into an array of milliseconds. Returns 0 or EXIT_USAGE. */
static int parse_delays(const char *text, unsigned **out, size_t *n)
{
    unsigned   *v = calloc(SERVE_MAX_DELAYS, sizeof(*v));
    size_t      k = 0;
    const char *p = text;
    if (v == NULL)
        return usage_error("serve: out of memory");
    for (;;) {
        char              *end;
        unsigned long long ms = strtoull(p, &end, 10);
        if (end == p || *p == '-' || *p == '+' || ms > 600000 || (*end != ',' && *end != '\0')) {
            free(v);
            char shown[64];
            str_escape(shown, sizeof(shown), text);
            return usage_error("serve: --delays: '%s' is not a list of whole milliseconds "
                               "(0..600000, comma-separated)",
                               shown);
        }
        if (k == SERVE_MAX_DELAYS) {
            free(v);
            return usage_error("serve: --delays: more than %d values", SERVE_MAX_DELAYS);
        }
        v[k++] = (unsigned)ms;
        if (*end == '\0')
            break;
        p = end + 1;
    }
    *out = v;
    *n   = k;
    return 0;
}

static int parse_serve(int argc, char **argv, struct serve_opts *o, struct server *srv)
{
    char             err[256];
    struct opt_scope scope = {serve_options, o, "serve"};
    if (opt_defaults(serve_options, o, err, sizeof(err)) != 0)
        return usage_error("%s", err);
    int rc = cmdline_parse("serve", argc, argv, &scope, 1);
    if (rc != 0 || o->help)
        return rc;
    if (o->error_rate + o->not_found_rate + o->reset_rate > 1.0)
        return usage_error("serve: --error-rate, --not-found-rate and --reset-rate add up to "
                           "more than 1");
    if (o->stall_rate > 0 && o->stall_ms == 0)
        return usage_error("serve: --stall-rate needs --stall-ms (how long to stall)");
    if (o->delays != NULL && o->delay_ms != 0)
        return usage_error("serve: --delays and --delay-ms are one or the other");
    unsigned *delays  = NULL;
    size_t    ndelays = 0;
    if (o->delays != NULL && (rc = parse_delays(o->delays, &delays, &ndelays)) != 0)
        return rc;
    struct in_addr addr;
    if (inet_pton(AF_INET, o->listen, &addr) != 1) {
        free(delays);
        return usage_error("serve: --listen takes an IPv4 address (127.0.0.1, 0.0.0.0, ...), "
                           "not '%s'",
                           o->listen);
    }
    *srv = (struct server){
        .addr      = addr,
        .delays    = delays,
        .ndelays   = ndelays,
        .nfiles    = (size_t)o->files,
        .seed      = o->seed,
        .delay_ms  = (unsigned)o->delay_ms,
        .jitter_ms = (unsigned)o->jitter_ms,
        .nloops    = (unsigned)o->threads,
        .stop_pipe = {-1, -1},
        .faults    = {.error_rate     = o->error_rate,
                      .not_found_rate = o->not_found_rate,
                      .reset_rate     = o->reset_rate,
                      .stall_ms       = (unsigned)o->stall_ms,
                      .stall_rate     = o->stall_ms > 0 && o->stall_rate == 0 ? 1.0 : o->stall_rate},
    };
    inet_ntop(AF_INET, &addr, srv->listen, sizeof(srv->listen));
    if ((ntohl(addr.s_addr) >> 24) != 127)
        fprintf(stderr,
                "concbench serve: listening on %s, not loopback: other machines can reach this "
                "server and everything it serves\n",
                srv->listen);
    return 0;
}

/* One loop: its event base, its listener on 127.0.0.1:port (shared with
 * the other loops' through SO_REUSEPORT when there are several), its HTTP
 * server and its stop event. Port 0 picks a free port; the first loop's
 * is then srv->port. Returns 0, or EXIT_USAGE with a message. */
static int loop_open(struct server *srv, struct loop *loop, unsigned port)
{
    struct sockaddr_in sin  = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    socklen_t          slen = sizeof(sin);
    sin.sin_addr            = srv->addr;

    /* Delays must be what they say. No cached time: with it, a timer added
     * late in a busy loop iteration is measured from the iteration's start
     * and the next poll timeout from a stale "now". Precise timers: epoll's
     * timeout has whole-millisecond resolution, rounded up, which made the
     * average delay run ~0.9 ms long; libevent then uses a timerfd. The
     * epoll changelist (one epoll_ctl per change that survives to the next
     * poll, instead of one per change) with one loop only: it applies a
     * closed connection's removal at the next poll, by descriptor number,
     * and with several loops another thread may have been given that
     * number for a connection of its own by then. */
    struct event_config *cfg = event_config_new();
    if (cfg != NULL) {
        event_config_set_flag(cfg,
                              EVENT_BASE_FLAG_NO_CACHE_TIME | EVENT_BASE_FLAG_PRECISE_TIMER |
                                  (srv->nloops == 1 ? EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST : 0));
        loop->base = event_base_new_with_config(cfg);
        event_config_free(cfg);
    }
    if (loop->base == NULL || (loop->http = evhttp_new(loop->base)) == NULL)
        return usage_error("serve: unable to create the event loop");
    unsigned flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC;
    if (srv->nloops > 1)
        flags |= LEV_OPT_REUSEABLE_PORT;
    struct evconnlistener *lev = evconnlistener_new_bind(
        loop->base, NULL, NULL, flags, SERVE_BACKLOG, (struct sockaddr *)&sin, sizeof(sin));
    if (lev == NULL)
        return usage_error("serve: unable to listen on %s:%u: %s", srv->listen, port,
                           strerror(errno));
    if (evhttp_bind_listener(loop->http, lev) == NULL) {
        evconnlistener_free(lev);
        return usage_error("serve: unable to bind the HTTP server");
    }
    int one = 1;
    setsockopt(evconnlistener_get_fd(lev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&sin, &slen);
    if (loop == srv->loops)
        srv->port = ntohs(sin.sin_port);
    if (srv->delay_ms > 0) {
        struct timeval tv  = {.tv_sec  = srv->delay_ms / 1000,
                              .tv_usec = (srv->delay_ms % 1000) * 1000};
        loop->common_delay = event_base_init_common_timeout(loop->base, &tv);
    }
    evhttp_set_allowed_methods(loop->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST);
    evhttp_set_timeout(loop->http, 120);
    evhttp_set_max_headers_size(loop->http, SERVE_MAX_HEADERS);
    evhttp_set_max_body_size(loop->http, SERVE_MAX_BODY);
    evhttp_set_gencb(loop->http, on_request, loop);
    loop->stop = event_new(loop->base, srv->stop_pipe[0], EV_READ, on_stop, loop->base);
    if (loop->stop == NULL || event_add(loop->stop, NULL) != 0)
        return usage_error("serve: unable to watch the stop pipe");
    return 0;
}

/* Every loop, on one port, and SIGINT/SIGTERM on the first. Returns 0 or
 * EXIT_USAGE with a message. */
static int serve_listen(struct server *srv, unsigned port, struct event **sigs)
{
    srv->loops = calloc(srv->nloops, sizeof(*srv->loops));
    if (srv->loops == NULL)
        return usage_error("serve: out of memory");
    if (pipe2(srv->stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return usage_error("serve: pipe: %s", strerror(errno));
    for (unsigned k = 0; k < srv->nloops; k++) {
        struct loop *loop = &srv->loops[k];
        loop->srv         = srv;
        /* xorshift's state must not be 0; loop 0 draws what one loop did */
        loop->rng = srv->seed * 0x9e3779b97f4a7c15u + 1 + k * 0xd1b54a32d192ed03u;
        if (loop->rng == 0)
            loop->rng = 1;
        int rc = loop_open(srv, loop, k == 0 ? port : srv->port);
        if (rc != 0)
            return rc;
    }
    snprintf(srv->self, sizeof(srv->self), "%s:%u", srv->listen, srv->port);
    if (make_index(srv, srv->port) != 0)
        return usage_error("serve: out of memory for the index");
    struct event_base *base = srv->loops[0].base;
    sigs[0]                 = evsignal_new(base, SIGINT, on_signal, srv);
    sigs[1]                 = evsignal_new(base, SIGTERM, on_signal, srv);
    if (sigs[0] == NULL || sigs[1] == NULL || evsignal_add(sigs[0], NULL) != 0 ||
        evsignal_add(sigs[1], NULL) != 0)
        return usage_error("serve: unable to handle signals");
    return 0;
}

static void loop_free(struct loop *loop)
{
    /* Replies never sent: detached requests are ours; evhttp_free frees
     * the attached ones with their connections. */
    while (loop->pending != NULL) {
        struct pending *p = loop->pending;
        if (evhttp_request_get_connection(p->req) == NULL)
            evhttp_request_free(p->req);
        pending_free(p);
    }
    if (loop->stop)
        event_free(loop->stop);
    if (loop->http)
        evhttp_free(loop->http); /* frees the bound listener too */
    if (loop->base)
        event_base_free(loop->base);
}

static void serve_free(struct server *srv, struct event **sigs)
{
    for (int k = 0; k < 2; k++)
        if (sigs[k])
            event_free(sigs[k]);
    for (unsigned k = 0; srv->loops != NULL && k < srv->nloops; k++)
        loop_free(&srv->loops[k]);
    free(srv->loops);
    for (int k = 0; k < 2; k++)
        if (srv->stop_pipe[k] >= 0)
            close(srv->stop_pipe[k]);
    free_files(srv);
}

static void *loop_thread(void *arg)
{
    struct loop *loop = arg;
    event_base_dispatch(loop->base);
    return NULL;
}

/* Loops 1.. on threads of their own (stop signals kept for the first
 * loop's thread), the first on this one, until a stop signal; then every
 * loop's counts. */
static int serve_run(struct server *srv)
{
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    unsigned started = 1;
    for (; started < srv->nloops; started++) {
        int rc =
            pthread_create(&srv->loops[started].thread, NULL, loop_thread, &srv->loops[started]);
        if (rc != 0) {
            fprintf(stderr, "concbench serve: unable to start loop %u: %s\n", started,
                    strerror(rc));
            break;
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    int rc = started == srv->nloops ? 0 : 1;
    if (rc == 0) {
        printf("listening on http://%s:%u\n", srv->listen, srv->port);
        fflush(stdout);
        event_base_dispatch(srv->loops[0].base);
    } else {
        stop_loops(srv); /* the ones that did start */
    }
    for (unsigned k = 1; k < started; k++)
        pthread_join(srv->loops[k].thread, NULL);
    uint64_t requests = 0, fc[5] = {0};
    for (unsigned k = 0; k < srv->nloops; k++) {
        requests += srv->loops[k].requests;
        for (int f = 0; f < 5; f++)
            fc[f] += srv->loops[k].fault_counts[f];
    }
    char per_loop[SERVE_MAX_THREADS * 22 + 16] = "";
    for (unsigned k = 0, at = 0; srv->nloops > 1 && k < srv->nloops; k++)
        at += (unsigned)snprintf(per_loop + at, sizeof(per_loop) - at, "%s%llu",
                                 k == 0 ? "per loop: " : " ",
                                 (unsigned long long)srv->loops[k].requests);
    fprintf(stderr,
            "concbench serve: %llu requests (%s%sfaults: %llu error, %llu not-found, %llu reset, "
            "%llu stall), stopped\n",
            (unsigned long long)requests, per_loop, *per_loop ? "; " : "",
            (unsigned long long)fc[FAULT_ERROR], (unsigned long long)fc[FAULT_NOT_FOUND],
            (unsigned long long)fc[FAULT_RESET], (unsigned long long)fc[FAULT_STALL]);
    return rc;
}

int cmd_serve(int argc, char **argv)
{
    struct serve_opts o       = {0};
    struct server     srv     = {.stop_pipe = {-1, -1}};
    struct event     *sigs[2] = {NULL, NULL};
    int               rc      = parse_serve(argc, argv, &o, &srv);
    if (rc != 0 || o.help)
        return o.help ? serve_help(stdout), 0 : rc;
    if (make_files(&srv) != 0) {
        free_files(&srv);
        return usage_error("serve: out of memory for %zu files", srv.nfiles);
    }
    if (o.dump != NULL) {
        rc = dump_files(&srv, o.dump);
        free_files(&srv);
        return rc;
    }
    if ((srv.course = course_new(srv.seed)) == NULL) {
        free_files(&srv);
        return usage_error("serve: out of memory for the course's files");
    }
    raise_nofile_limit();
    if ((rc = serve_listen(&srv, (unsigned)o.port, sigs)) == 0)
        rc = serve_run(&srv);
    serve_free(&srv, sigs);
    return rc;
}
