/*
 * mixed.c: download, then compute: each file as the io workload fetches
 * and verifies it, then a CPU-heavy transform before it is saved.
 *
 * The transform: every 8-byte word of the body goes through --work rounds
 * of the LCG step (lcg.h); trailing bytes (len % 8) are kept as they are.
 * The step is invertible, so the output is checked as it is produced: each
 * word is decoded with the jumped-ahead inverse map (O(1) a word) and must
 * give back the downloaded word, which was itself verified against the
 * index's size and checksum. Then the output is saved in the body's place.
 *
 * The verified body waits in its temporary file; the stage reads it back
 * in pieces of STAGE_PIECE bytes and writes the output as it goes, so
 * memory stays one piece per stage, whatever the file's size.
 *
 * Run asynchronously, the stage is split off the transfer (take_job,
 * run_job): the eventloop strategy runs it on its one thread, hybrid hands
 * it to a thread pool.
 */
#include "workload.h"

#include "clock.h"
#include "download.h"
#include "exec.h"
#include "lcg.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct mixed_opts {
    struct dl_options dl;
    uint64_t          work;
};

struct mixed_ctx {
    struct dl_set dl; /* first: the download core takes this pointer as its set */
    uint64_t      rounds;
    uint64_t      ak, ck, ak_inv; /* the rounds' closed form and its inverse */
};

/* A stage detached from the worker that downloaded its body. */
struct mixed_job {
    size_t         i;
    struct dl_body body;
};

#define STAGE_PIECE (32u << 10) /* bytes read, transformed and written at a time */
#define CHECK_WORDS (EXEC_CHECK_EVERY / 8)

static const struct task_ops mixed_ops;

static int mixed_check(const void *opts, char *err, size_t errsz)
{
    const struct mixed_opts *o = opts;
    if (o->dl.discard)
        return errf(err, errsz, "--discard is for io: mixed transforms every body it saves");
    return dl_check_options(&o->dl, err, errsz);
}

static int mixed_setup(const void *opts, struct tasks *t, char *err, size_t errsz)
{
    const struct mixed_opts *o = opts;
    struct mixed_ctx        *c = malloc(sizeof(*c));
    if (c == NULL)
        return errc(-ENOMEM, err, errsz, "out of memory");
    int rc = dl_open(&c->dl, &o->dl, err, errsz);
    if (rc != 0) {
        free(c);
        return rc;
    }
    c->rounds = o->work;
    lcg_jump(c->rounds, &c->ak, &c->ck);
    c->ak_inv = lcg_inverse(c->ak);
    *t        = (struct tasks){.ops = &mixed_ops, .ctx = c, .n = c->dl.links.n};
    return 0;
}

static void mixed_teardown(struct tasks *t)
{
    struct mixed_ctx *c = t->ctx;
    dl_close(&c->dl);
    free(c);
}

/* Read exactly len bytes at off, blocking I/O (an interpreter lock is let go). */
static int read_piece(int fd, char *buf, size_t len, uint64_t off)
{
    exec_blocking_begin();
    while (len > 0) {
        ssize_t got = pread(fd, buf, len, (off_t)off);
        if (got <= 0) {
            exec_blocking_end();
            return got == 0 ? -EIO : -errno;
        }
        buf += got, len -= (size_t)got, off += (uint64_t)got;
    }
    exec_blocking_end();
    return 0;
}

/* Transform one piece from in to out; 0 when every word decodes back. */
static int transform(const struct mixed_ctx *c, const char *in, char *out, size_t len)
{
    size_t words = len / 8;
    int    good  = 1;
    for (size_t k = 0; k < words; k++) {
        uint64_t x, y;
        memcpy(&x, in + 8 * k, 8);
        y = lcg_rounds(x, c->rounds);
        good &= c->ak_inv * (y - c->ck) == x;
        memcpy(out + 8 * k, &y, 8);
        if (k % CHECK_WORDS == CHECK_WORDS - 1)
            exec_checkpoint();
    }
    memcpy(out + 8 * words, in + 8 * words, len - 8 * words);
    return good ? 0 : -1;
}

/* The stage: transform body into a new file, check, save under task i's
 * name. Sets the fields it owns and keeps the rest of *r (the attempts
 * and start the download recorded). */
static void mixed_stage(struct mixed_ctx *c, size_t i, struct dl_body *body, struct task_result *r)
{
    char             in[STAGE_PIECE], out[STAGE_PIECE];
    struct save_file dst;
    uint32_t         err = dl_task_err(FETCH_ERR_WRITE);
    r->stage_ns[1]       = clock_ns();
    int rc               = save_open(&c->dl.dir, c->dl.v[i].name, &dst);
    if (rc == -EMFILE || rc == -ENFILE)
        err = dl_task_err(FETCH_ERR_FD_LIMIT);
    for (uint64_t off = 0; rc == 0 && off < body->bytes; off += STAGE_PIECE) {
        size_t len = body->bytes - off < STAGE_PIECE ? (size_t)(body->bytes - off) : STAGE_PIECE;
        if ((rc = read_piece(body->file.fd, in, len, off)) != 0)
            break;
        if (transform(c, in, out, len) != 0) {
            err = dl_task_err(FETCH_ERR_VERIFY);
            rc  = -EIO;
            break;
        }
        exec_blocking_begin();
        rc = save_write(&dst, out, len);
        exec_blocking_end();
    }
    if (rc == 0 && exec_stopping())
        err = TASK_INTERRUPTED, rc = -EINTR; /* nothing new appears in --out after a stop */
    if (rc == 0) {
        r->stage_ns[2] = clock_ns();
        exec_blocking_begin();
        rc = save_commit(&dst, &c->dl.dir, c->dl.v[i].name);
        exec_blocking_end();
    } else if (dst.fd >= 0) {
        save_abort(&dst, &c->dl.dir);
    }
    dl_drop_body(&c->dl, body);
    r->bytes  = body->bytes;
    r->err    = rc == 0 ? TASK_OK : err;
    r->done   = 1;
    r->end_ns = clock_ns();
}

static void mixed_run(void *ctx, void *w, size_t i, struct task_result *r)
{
    struct mixed_ctx *c = ctx;
    struct dl_body    body;
    dl_fetch(&c->dl, w, i, r);
    if (r->done)
        return;
    r->stage_ns[0] = clock_ns();
    dl_take_body(w, &body);
    mixed_stage(c, i, &body, r);
}

/* Asynchronously: settle the transfer, leave the stage pending. */
static unsigned mixed_finish(void *ctx, void *w, size_t i, struct task_result *r)
{
    struct mixed_ctx *c    = ctx;
    unsigned          rest = dl_settle(&c->dl, w, i, r);
    if (rest == 0 && !r->done) /* the transfer is over; the stage is next */
        r->stage_ns[0] = clock_ns();
    return rest;
}

static void *mixed_take_job(void *ctx, void *w, size_t i)
{
    (void)ctx;
    struct mixed_job *job = malloc(sizeof(*job));
    if (job == NULL)
        return NULL;
    job->i = i;
    dl_take_body(w, &job->body);
    return job;
}

static void mixed_drop_job(void *ctx, void *jp)
{
    struct mixed_ctx *c   = ctx;
    struct mixed_job *job = jp;
    dl_drop_body(&c->dl, &job->body);
    free(job);
}

static void mixed_run_job(void *ctx, void *jp, struct task_result *r)
{
    struct mixed_job *job = jp;
    mixed_stage(ctx, job->i, &job->body, r);
    free(job);
}

/* The timeline's names for a task's stages (stage_ns): the transfer, the
 * transform (with the transformed pieces written to a temporary file),
 * and the save (linking that file into place). */
static const char *const mixed_stages[] = {"download", "transform", "save", NULL};

static void mixed_report(const struct tasks *t, const struct task_result *r,
                         const struct run_info *ri, struct run_report *rep, cJSON *fields)
{
    const struct mixed_ctx *c = t->ctx;
    const struct dl_set    *s = &c->dl;
    rep->verified             = rep->failed == 0 && s->size_only == 0 && s->unchecked == 0;
    rep->wrong                = rep->errors[dl_task_err(FETCH_ERR_VERIFY)] > 0;
    rep->bound_s              = links_bound_s(&s->links, ri->workers); /* the transform only adds */
    char fs[32];
    cJSON_AddStringToObject(fields, "out", s->dir.path);
    cJSON_AddStringToObject(fields, "out_fs", save_dir_fs(&s->dir, fs, sizeof(fs)));
    dl_report_fields(s, fields);
    workload_latency_json(r, t->n, fields);
    dl_report_detail(s, rep->ok, t->n, rep->failed, "transformed, decoded back and ", rep->detail,
                     sizeof(rep->detail));
}

static const struct task_ops mixed_ops = {
    .worker_init  = dl_worker_init,
    .worker_fini  = dl_worker_fini,
    .run          = mixed_run,
    .async_open   = dl_async_open,
    .async_close  = dl_async_close,
    .async_start  = dl_async_start,
    .async_ready  = dl_async_ready,
    .async_finish = mixed_finish,
    .async_cancel = dl_async_cancel,
    .take_job     = mixed_take_job,
    .run_job      = mixed_run_job,
    .drop_job     = mixed_drop_job,
};

static const struct opt mixed_options[] = {
    DL_OPTIONS(struct mixed_opts, dl),
    {.name    = "work",
     .type    = OPT_UINT,
     .offset  = offsetof(struct mixed_opts, work),
     .def     = "1000",
     .metavar = "K",
     .help    = "LCG rounds per 8-byte word of every file",
     .min     = 1,
     .max     = 1000000},
    OPT_END,
};

static const struct bench_series mixed_series[] = {
    {.id            = "mixed",
     .title         = "download, transform, verify and save every file",
     .args          = "--work 1000",
     .quick_args    = "--work 200",
     .workers       = "4 16",
     .quick_workers = "4",
     .chart         = "bars"},
    {.id = NULL},
};

WORKLOAD(mixed) = {
    .name        = CB_PLUGIN_NAME, /* "mixed": the file's name */
    .summary     = "download each link, transform its words with --work LCG rounds, verify, save",
    .caps        = WORKLOAD_FETCHES | WORKLOAD_IO | WORKLOAD_CPU,
    .order       = 30,
    .color       = "#009e73",
    .test_args   = "--work 50",
    .options     = mixed_options,
    .opts_size   = sizeof(struct mixed_opts),
    .error_kinds = fetch_err_names,
    .series      = mixed_series,
    .stages      = mixed_stages,
    .check       = mixed_check,
    .setup       = mixed_setup,
    .teardown    = mixed_teardown,
    .report      = mixed_report,
};
