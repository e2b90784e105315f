/*
 * workload_io.c: the I/O-bound workload: download, save, verify.
 *
 * Tasks are the links of an index JSON or URL list (--url or --links).
 * Task i downloads link i into its worker's buffer with the worker's reused
 * easy handle, checks the HTTP status, the size and the checksum where the
 * index gives them, and saves the body atomically under --out, named after
 * the URL's last path segment. Run blocking (run) or as an easy handle for
 * a multi handle (start + finish); both settle the transfer in io_settle
 * (retrying 5xx, resets and timeouts with backoff when --retries allows).
 *
 * workload_mixed is the same download with a CPU-heavy stage before the
 * save: every 8-byte word of the body goes through --work rounds of the LCG
 * step (lcg.h; trailing bytes are kept as they are), and the result is
 * saved instead of the body. The stage is checked independently before
 * saving: the output is decoded with the jumped-ahead inverse map, O(1) a
 * word, and must give back the downloaded (size- and checksum-verified)
 * body. Run asynchronously, the stage is split off (take_job/run_job) so a
 * strategy can hand it to another thread.
 */
#include "workload.h"

#include "checksum.h"
#include "clock.h"
#include "exec.h"
#include "lcg.h"
#include "links.h"
#include "save.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct io_ctx {
    struct links links;
    char       **names;
    const char  *out_dir;
    size_t       checked; /* links with a size or checksum to verify against */
    size_t       unchecked_algo; /* checksums in an algorithm we cannot compute */
    uint64_t     rounds; /* mixed: transform rounds per word; 0 for io */
    struct fetch_limits lim;
    unsigned     retries;
    uint64_t     ak, ck, ak_inv; /* the rounds' closed form and its inverse */
};

/* mixed's CPU stage, detached from the worker that downloaded the body. */
struct io_job {
    size_t   i;
    uint64_t t0;
    char    *data;
    size_t   len;
};

#define MIXED_DEFAULT_WORK 1000
#define MIXED_CHECK_WORDS  (EXEC_CHECK_EVERY / 8)

struct io_worker {
    CURL            *h;
    struct fetch_buf buf;
    uint64_t         t0;      /* the task's first attempt began */
    unsigned         attempt; /* retries so far of the current task */
    long             status;  /* HTTP status of the last transfer */
};

/* Retry backoff: 50 ms, doubling, at most 50 << 4 = 800 ms. */
#define RETRY_BASE_MS   50u
#define RETRY_MAX_SHIFT 4u

static void io_teardown(void *ctx)
{
    struct io_ctx *c = ctx;
    for (size_t i = 0; c->names != NULL && i < c->links.n; i++)
        free(c->names[i]);
    free(c->names);
    links_free(&c->links);
    free(c);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every link needs a distinct, safe file name under --out. */
static int io_names(struct io_ctx *c, char *err, size_t errsz)
{
    c->names = calloc(c->links.n, sizeof(*c->names));
    if (c->names == NULL)
        return errf(err, errsz, "out of memory"), -ENOMEM;
    for (size_t i = 0; i < c->links.n; i++) {
        char name[SAVE_NAME_MAX + 1];
        if (save_name_from_url(c->links.v[i].url, name) != 0)
            return errf(err, errsz, "link %zu (%.200s) has no usable file name", i,
                        c->links.v[i].url);
        if ((c->names[i] = strdup(name)) == NULL)
            return errf(err, errsz, "out of memory"), -ENOMEM;
    }
    char **sorted = malloc(c->links.n * sizeof(*sorted));
    if (sorted == NULL)
        return errf(err, errsz, "out of memory"), -ENOMEM;
    memcpy(sorted, c->names, c->links.n * sizeof(*sorted));
    qsort(sorted, c->links.n, sizeof(*sorted), cmp_str);
    int rc = 0;
    for (size_t i = 1; i < c->links.n && rc == 0; i++)
        if (strcmp(sorted[i - 1], sorted[i]) == 0)
            rc = errf(err, errsz, "two links save to the same name '%s'", sorted[i]);
    free(sorted);
    return rc;
}

static int io_setup_rounds(const struct wl_options *o, uint64_t rounds, void **out, char *err,
                           size_t errsz)
{
    if ((o->url == NULL) == (o->links_path == NULL))
        return errf(err, errsz, "the io workload needs exactly one of --url or --links");
    struct io_ctx *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return errf(err, errsz, "out of memory"), -ENOMEM;
    c->out_dir = o->out_dir ? o->out_dir : "downloads";
    c->rounds = rounds;
    c->lim = (struct fetch_limits){o->timeout_ms, o->connect_timeout_ms};
    c->retries = o->retries;
    lcg_jump(rounds, &c->ak, &c->ck);
    c->ak_inv = lcg_inverse(c->ak);
    int rc = o->url ? links_load_url(o->url, &c->links, err, errsz)
                    : links_load_file(o->links_path, &c->links, err, errsz);
    if (rc != 0)
        goto fail;
    if ((rc = io_names(c, err, errsz)) != 0)
        goto fail;
    if ((rc = save_dir_prepare(c->out_dir)) != 0) {
        errf(err, errsz, "unable to use --out %s: %s", c->out_dir, strerror(-rc));
        goto fail;
    }
    for (size_t i = 0; i < c->links.n; i++) {
        const struct link *k = &c->links.v[i];
        int has_sum = k->checksum != NULL && checksum_supported(k->checksum);
        if (k->checksum != NULL && !has_sum)
            c->unchecked_algo++;
        if (k->size >= 0 || has_sum)
            c->checked++;
    }
    *out = c;
    return 0;
fail:
    io_teardown(c);
    return rc;
}

static int io_setup(const struct wl_options *o, void **out, char *err, size_t errsz)
{
    return io_setup_rounds(o, 0, out, err, errsz);
}

static int mixed_setup(const struct wl_options *o, void **out, char *err, size_t errsz)
{
    return io_setup_rounds(o, o->work ? o->work : MIXED_DEFAULT_WORK, out, err, errsz);
}

static size_t io_count(void *ctx)
{
    return ((struct io_ctx *)ctx)->links.n;
}

static int io_worker_init(void *ctx, void **out)
{
    struct io_ctx *c = ctx;
    struct io_worker *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return -ENOMEM;
    w->h = fetch_handle_new(&c->lim);
    if (w->h == NULL) {
        free(w);
        return -ENOMEM;
    }
    *out = w;
    return 0;
}

static void io_worker_fini(void *ctx, void *wp)
{
    (void)ctx;
    struct io_worker *w = wp;
    if (w == NULL)
        return;
    curl_easy_cleanup(w->h);
    fetch_buf_free(&w->buf);
    free(w);
}

/* Saving is blocking I/O: an interpreter lock is released around it. */
static int io_save(const char *dir, const char *name, const void *data, size_t len)
{
    exec_blocking_begin();
    int rc = save_atomic(dir, name, data, len);
    exec_blocking_end();
    return rc;
}

/* The transfer ended: check status, size and checksum. Returns 0 when the
 * body is good, else fills *r as a finished, failed task. */
static int io_check(struct io_ctx *c, struct io_worker *w, size_t i, CURLcode code,
                    struct task_result *r)
{
    const struct link *k = &c->links.v[i];
    struct fetch_result fr;
    r->bytes = w->buf.len;
    int bad = fetch_complete(w->h, code, &fr);
    w->status = fr.status;
    if (bad)
        r->err = fr.err;
    else if ((k->size >= 0 && (uint64_t)k->size != w->buf.len) ||
             (k->checksum != NULL && checksum_supported(k->checksum) &&
              !checksum_matches(k->checksum, w->buf.data, w->buf.len)))
        r->err = FETCH_ERR_VERIFY;
    else
        return 0;
    r->done = 1;
    r->latency_ns = clock_ns() - w->t0;
    return -1;
}

/* Save data as task i's file and finish the task. */
static void io_finish_save(struct io_ctx *c, size_t i, const void *data, size_t len, uint64_t t0,
                           struct task_result *r)
{
    r->err = io_save(c->out_dir, c->names[i], data, len) == 0 ? FETCH_OK : FETCH_ERR_WRITE;
    r->done = 1;
    r->latency_ns = clock_ns() - t0;
}

/* mixed's stage: transform, check by decoding, save. Sets the fields it
 * owns and keeps the rest of *r (the attempts io_settle counted). */
static void mixed_stage(struct io_ctx *c, size_t i, const char *data, size_t len, uint64_t t0,
                        struct task_result *r)
{
    size_t words = len / 8;
    char *out = malloc(len ? len : 1);
    r->bytes = len;
    if (out == NULL) {
        r->err = FETCH_ERR_WRITE;
        r->done = 1;
        r->latency_ns = clock_ns() - t0;
        return;
    }
    for (size_t k = 0; k < words; k++) {
        uint64_t x;
        memcpy(&x, data + 8 * k, 8);
        x = lcg_rounds(x, c->rounds);
        memcpy(out + 8 * k, &x, 8);
        if (k % MIXED_CHECK_WORDS == MIXED_CHECK_WORDS - 1)
            exec_checkpoint();
    }
    memcpy(out + 8 * words, data + 8 * words, len - 8 * words);
    int good = 1;
    for (size_t k = 0; k < words && good; k++) {
        uint64_t y, x;
        memcpy(&y, out + 8 * k, 8);
        memcpy(&x, data + 8 * k, 8);
        good = c->ak_inv * (y - c->ck) == x;
    }
    if (good) {
        io_finish_save(c, i, out, len, t0, r);
    } else {
        r->err = FETCH_ERR_VERIFY;
        r->done = 1;
        r->latency_ns = clock_ns() - t0;
    }
    free(out);
}

/* After a transfer: check it and decide. Returns a delay in ms when the
 * task should be tried again (a 5xx, a reset or a timeout, retries left,
 * no stop requested; *r is then cleared), else 0: *r is final when
 * r->done, or the body is good and the task goes on to its save. */
static unsigned io_settle(struct io_ctx *c, struct io_worker *w, size_t i, CURLcode code,
                          struct task_result *r)
{
    int failed = io_check(c, w, i, code, r) != 0;
    r->attempts = (int32_t)w->attempt + 1;
    int retryable = r->err == FETCH_ERR_TIMEOUT || r->err == FETCH_ERR_RESET ||
                    (r->err == FETCH_ERR_STATUS && w->status >= 500);
    if (failed && retryable && w->attempt < c->retries && !exec_stopping()) {
        unsigned ms = RETRY_BASE_MS << (w->attempt < RETRY_MAX_SHIFT ? w->attempt : RETRY_MAX_SHIFT);
        w->attempt++;
        *r = (struct task_result){0};
        return ms;
    }
    w->attempt = 0;
    return 0;
}

/* The good body of task i: save it (io) or transform and save it (mixed). */
static void io_store(struct io_ctx *c, struct io_worker *w, size_t i, struct task_result *r)
{
    if (c->rounds == 0)
        io_finish_save(c, i, w->buf.data, w->buf.len, w->t0, r);
    else
        mixed_stage(c, i, w->buf.data, w->buf.len, w->t0, r);
}

/* Wait out a retry backoff: blocking, so an interpreter lock is let go. */
static void backoff(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    exec_blocking_begin();
    nanosleep(&ts, NULL); /* a signal cuts it short: fine, the stop is checked next */
    exec_blocking_end();
}

static CURL *io_start(void *ctx, void *wp, size_t i, struct task_result *r)
{
    struct io_ctx *c = ctx;
    struct io_worker *w = wp;
    if (w->attempt == 0)
        w->t0 = clock_ns();
    if (fetch_prepare(w->h, c->links.v[i].url, &w->buf) != 0) {
        *r = (struct task_result){.done = 1, .err = FETCH_ERR_OTHER};
        return NULL;
    }
    return w->h;
}

static unsigned io_finish(void *ctx, void *w, size_t i, CURLcode code, struct task_result *r)
{
    unsigned retry_ms = io_settle(ctx, w, i, code, r);
    if (retry_ms == 0 && !r->done)
        io_store(ctx, w, i, r);
    return retry_ms;
}

/* mixed, asynchronously: settle the transfer, leave the stage pending. */
static unsigned mixed_finish(void *ctx, void *w, size_t i, CURLcode code,
                             struct task_result *r)
{
    return io_settle(ctx, w, i, code, r);
}

static void *mixed_take_job(void *ctx, void *wp, size_t i)
{
    (void)ctx;
    struct io_worker *w = wp;
    struct io_job *job = malloc(sizeof(*job));
    if (job == NULL)
        return NULL;
    *job = (struct io_job){.i = i, .t0 = w->t0, .data = w->buf.data, .len = w->buf.len};
    w->buf.data = NULL; /* the next transfer grows a fresh buffer */
    w->buf.len = w->buf.cap = 0;
    return job;
}

static void mixed_drop_job(void *ctx, void *jp)
{
    (void)ctx;
    struct io_job *job = jp;
    free(job->data);
    free(job);
}

static void mixed_run_job(void *ctx, void *jp, struct task_result *r)
{
    struct io_job *job = jp;
    mixed_stage(ctx, job->i, job->data, job->len, job->t0, r);
    mixed_drop_job(ctx, job);
}

static void io_run(void *ctx, void *w, size_t i, struct task_result *r)
{
    for (;;) {
        CURL *h = io_start(ctx, w, i, r);
        if (h == NULL)
            return;
        exec_blocking_begin();
        CURLcode code = curl_easy_perform(h);
        exec_blocking_end();
        unsigned retry_ms = io_settle(ctx, w, i, code, r);
        if (retry_ms == 0)
            break;
        backoff(retry_ms);
    }
    if (!r->done)
        io_store(ctx, w, i, r);
}

static void io_report(void *ctx, const struct task_result *r, size_t n, struct run_report *rep,
                      cJSON *json)
{
    struct io_ctx *c = ctx;
    rep->verified = rep->failed == 0;
    cJSON_AddStringToObject(json, "out", c->out_dir);
    cJSON_AddNumberToObject(json, "checked", (double)c->checked);
    cJSON_AddNumberToObject(json, "unchecked_checksums", (double)c->unchecked_algo);
    cJSON_AddNumberToObject(json, "retries", (double)rep->retries);
    if (c->rounds)
        cJSON_AddNumberToObject(json, "work", (double)c->rounds);
    workload_latency_json(r, n, json);
    snprintf(rep->detail, sizeof(rep->detail),
             "%zu of %zu files %ssaved to %s, %zu checked against size/checksum%s: %s", rep->ok, n,
             c->rounds ? "transformed, decoded back and " : "", c->out_dir, c->checked,
             c->unchecked_algo ? " (some checksums unsupported)" : "",
             rep->verified ? "verified" : "NOT verified");
}

const struct workload workload_io = {
    .name        = "io",
    .summary     = "download every link of an index or URL list, save atomically, verify",
    .setup       = io_setup,
    .teardown    = io_teardown,
    .count       = io_count,
    .worker_init = io_worker_init,
    .worker_fini = io_worker_fini,
    .run         = io_run,
    .start       = io_start,
    .finish      = io_finish,
    .report      = io_report,
};

const struct workload workload_mixed = {
    .name        = "mixed",
    .summary     = "download each link, transform its words with --work LCG rounds, verify, save",
    .setup       = mixed_setup,
    .teardown    = io_teardown,
    .count       = io_count,
    .worker_init = io_worker_init,
    .worker_fini = io_worker_fini,
    .run         = io_run,
    .start       = io_start,
    .finish      = mixed_finish,
    .take_job    = mixed_take_job,
    .run_job     = mixed_run_job,
    .drop_job    = mixed_drop_job,
    .report      = io_report,
};
