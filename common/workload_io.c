/*
 * workload_io.c: the I/O-bound workload: download, save, verify.
 *
 * Tasks are the links of an index JSON or URL list (--url or --links).
 * Task i downloads link i into its worker's buffer with the worker's reused
 * easy handle, checks the HTTP status, the size and the checksum where the
 * index gives them, and saves the body atomically under --out, named after
 * the URL's last path segment. Run blocking (run) or as an easy handle for
 * a multi handle (start + finish); both end in the same io_complete.
 */
#include "workload.h"

#include "checksum.h"
#include "clock.h"
#include "links.h"
#include "save.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct io_ctx {
    struct links links;
    char       **names;
    const char  *out_dir;
    size_t       checked; /* links with a size or checksum to verify against */
    size_t       unchecked_algo; /* checksums in an algorithm we cannot compute */
};

struct io_worker {
    CURL            *h;
    struct fetch_buf buf;
    uint64_t         t0;
};

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

static int io_setup(const struct wl_options *o, void **out, char *err, size_t errsz)
{
    if ((o->url == NULL) == (o->links_path == NULL))
        return errf(err, errsz, "the io workload needs exactly one of --url or --links");
    struct io_ctx *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return errf(err, errsz, "out of memory"), -ENOMEM;
    c->out_dir = o->out_dir ? o->out_dir : "downloads";
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

static size_t io_count(void *ctx)
{
    return ((struct io_ctx *)ctx)->links.n;
}

static int io_worker_init(void *ctx, void **out)
{
    (void)ctx;
    struct io_worker *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return -ENOMEM;
    w->h = fetch_handle_new();
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

/* The transfer ended: check status, size and checksum, save, fill *r. */
static void io_complete(struct io_ctx *c, struct io_worker *w, size_t i, CURLcode code,
                        struct task_result *r)
{
    const struct link *k = &c->links.v[i];
    struct fetch_result fr;
    r->done = 1;
    r->bytes = w->buf.len;
    if (fetch_complete(w->h, code, &fr) != 0)
        r->err = fr.err;
    else if ((k->size >= 0 && (uint64_t)k->size != w->buf.len) ||
             (k->checksum != NULL && checksum_supported(k->checksum) &&
              !checksum_matches(k->checksum, w->buf.data, w->buf.len)))
        r->err = FETCH_ERR_VERIFY;
    else if (save_atomic(c->out_dir, c->names[i], w->buf.data, w->buf.len) != 0)
        r->err = FETCH_ERR_WRITE;
    else
        r->err = FETCH_OK;
    r->latency_ns = clock_ns() - w->t0;
}

static CURL *io_start(void *ctx, void *wp, size_t i, struct task_result *r)
{
    struct io_ctx *c = ctx;
    struct io_worker *w = wp;
    w->t0 = clock_ns();
    if (fetch_prepare(w->h, c->links.v[i].url, &w->buf) != 0) {
        *r = (struct task_result){.done = 1, .err = FETCH_ERR_OTHER};
        return NULL;
    }
    return w->h;
}

static void io_finish(void *ctx, void *w, size_t i, CURLcode code, struct task_result *r)
{
    io_complete(ctx, w, i, code, r);
}

static void io_run(void *ctx, void *w, size_t i, struct task_result *r)
{
    CURL *h = io_start(ctx, w, i, r);
    if (h != NULL)
        io_complete(ctx, w, i, curl_easy_perform(h), r);
}

static void io_report(void *ctx, const struct task_result *r, size_t n, struct run_report *rep,
                      cJSON *json)
{
    struct io_ctx *c = ctx;
    rep->verified = rep->failed == 0;
    cJSON_AddStringToObject(json, "out", c->out_dir);
    cJSON_AddNumberToObject(json, "checked", (double)c->checked);
    cJSON_AddNumberToObject(json, "unchecked_checksums", (double)c->unchecked_algo);
    workload_latency_json(r, n, json);
    snprintf(rep->detail, sizeof(rep->detail),
             "%zu of %zu files saved to %s, %zu checked against size/checksum%s: %s", rep->ok, n,
             c->out_dir, c->checked, c->unchecked_algo ? " (some checksums unsupported)" : "",
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
