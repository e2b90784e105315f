/*
 * io.c: the I/O-bound workload: download every link, save it, verify it.
 *
 * Tasks are the links of an index JSON or URL list (--url or --links).
 * Task i downloads link i with its worker's reused easy handle, streaming
 * the body to a temporary file in --out while hashing it, checks the HTTP
 * status, the size and the checksum where the index gives them, and
 * publishes the file under the URL's last path segment. All of that is
 * the shared download core (common/download.c); this file says what a
 * download task is to a strategy, and what the run proves.
 *
 * The latency bound: when the server says how long it delays each reply
 * (concbench serve's index carries "delay_ms", and each file's own with
 * --delays), no strategy with w workers taking the files in order can
 * finish them sooner than that schedule with no cost but the delays:
 * ceil(n / w) x delay when all are equal (links_bound_s).
 */
#include "workload.h"

#include "download.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct io_opts {
    struct dl_options dl;
};

static const struct task_ops io_ops;

static int io_check(const void *opts, char *err, size_t errsz)
{
    const struct io_opts *o = opts;
    return dl_check_options(&o->dl, err, errsz);
}

static int io_setup(const void *opts, struct tasks *t, char *err, size_t errsz)
{
    const struct io_opts *o = opts;
    struct dl_set        *s = malloc(sizeof(*s));
    if (s == NULL)
        return errc(-ENOMEM, err, errsz, "out of memory");
    int rc = dl_open(s, &o->dl, err, errsz);
    if (rc != 0) {
        free(s);
        return rc;
    }
    *t = (struct tasks){.ops = &io_ops, .ctx = s, .n = s->links.n};
    return 0;
}

static void io_teardown(struct tasks *t)
{
    dl_close(t->ctx);
    free(t->ctx);
}

static void io_run(void *ctx, void *w, size_t i, struct task_result *r)
{
    dl_fetch(ctx, w, i, r);
    if (!r->done)
        dl_publish(ctx, w, i, r);
}

static unsigned io_finish(void *ctx, void *w, size_t i, struct task_result *r)
{
    unsigned retry_ms = dl_settle(ctx, w, i, r);
    if (retry_ms == 0 && !r->done)
        dl_publish(ctx, w, i, r);
    return retry_ms;
}

static void io_report(const struct tasks *t, const struct task_result *r, const struct run_info *ri,
                      struct run_report *rep, cJSON *fields)
{
    const struct dl_set *s = t->ctx;
    rep->verified          = rep->failed == 0 && s->size_only == 0 && s->unchecked == 0;
    rep->wrong             = rep->errors[dl_task_err(FETCH_ERR_VERIFY)] > 0;
    rep->bound_s           = links_bound_s(&s->links, ri->workers);
    char fs[32];
    cJSON_AddStringToObject(fields, "out", s->dir.path);
    cJSON_AddStringToObject(fields, "out_fs", save_dir_fs(&s->dir, fs, sizeof(fs)));
    dl_report_fields(s, fields);
    workload_latency_json(r, t->n, fields);
    dl_report_detail(s, rep->ok, t->n, rep->failed, "", rep->detail, sizeof(rep->detail));
}

static const struct task_ops io_ops = {
    .worker_init  = dl_worker_init,
    .worker_fini  = dl_worker_fini,
    .run          = io_run,
    .async_open   = dl_async_open,
    .async_close  = dl_async_close,
    .async_start  = dl_async_start,
    .async_ready  = dl_async_ready,
    .async_finish = io_finish,
    .async_cancel = dl_async_cancel,
};

static const struct opt io_options[] = {
    DL_OPTIONS(struct io_opts, dl),
    OPT_END,
};

static const struct bench_series io_series[] = {
    {.id            = "io",
     .title         = "download, verify and save every file",
     .workers       = "4 8 16 32 64", /* at 1 every strategy is the baseline: its line */
     .quick_workers = "4",
     .chart         = "latency"},
    {.id = NULL},
};

WORKLOAD(io) = {
    .name        = CB_PLUGIN_NAME, /* "io": the file's name */
    .summary     = "download every link of an index or URL list, save atomically, verify",
    .caps        = WORKLOAD_FETCHES | WORKLOAD_IO,
    .order       = 10,
    .color       = "#d55e00",
    .test_args   = "",
    .options     = io_options,
    .opts_size   = sizeof(struct io_opts),
    .error_kinds = fetch_err_names,
    .series      = io_series,
    .check       = io_check,
    .setup       = io_setup,
    .teardown    = io_teardown,
    .report      = io_report,
};
