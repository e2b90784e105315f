/*
 * download.c: fetch, stream to a temporary file while hashing, verify,
 * publish; retries with backoff; the asynchronous form on fetch_multi.
 */
#include "download.h"

#include "clock.h"
#include "exec.h"
#include "fetch_multi.h"
#include "util.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Retry backoff: 50 ms, doubling, at most 50 << 4 = 800 ms. */
#define RETRY_BASE_MS   50u
#define RETRY_MAX_SHIFT 4u

struct dl_worker {
    struct fetch           f;
    struct checksum_state *sum;
    struct save_file       file;    /* the body being written; fd -1 when none */
    uint64_t               t0;      /* the task's first attempt began */
    unsigned               attempt; /* retries so far of the current task */
};

uint32_t dl_task_err(enum fetch_err e)
{
    if (e == FETCH_OK)
        return TASK_OK;
    if (e == FETCH_ERR_INTERRUPTED)
        return TASK_INTERRUPTED;
    return TASK_KIND_FIRST + (uint32_t)e - 1;
}

/* ---- the set ---------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

const char *const dl_save_as_names[] = {"name", "path", "index", NULL};

/* name for link i of url under policy how (--save-as), into out
 * (SAVE_NAME_MAX + 1 bytes). Returns 0 or -EINVAL. */
static int link_name(unsigned how, size_t i, const char *url, char *out)
{
    char last[SAVE_NAME_MAX + 1];
    if (how == DL_SAVE_INDEX) {
        /* The link's number keeps every name apart; its last segment,
         * where it has one, keeps it readable. */
        if (save_name_from_url(url, last) != 0)
            last[0] = '\0';
        int k = snprintf(out, SAVE_NAME_MAX + 1, "%06zu", i + 1);
        if (last[0] != '\0' && k > 0 && k + 1 < SAVE_NAME_MAX) {
            size_t room = (size_t)(SAVE_NAME_MAX - k - 1), len = strlen(last);
            out[k]      = '-';
            memcpy(out + k + 1, last, len < room ? len : room);
            out[k + 1 + (len < room ? len : room)] = '\0';
        }
        return 0;
    }
    if (how == DL_SAVE_PATH) {
        /* host, port and path (query and fragment too), everything but
         * letters, digits, '.', '-' and '_' turned into '_'. */
        const char *p = strstr(url, "://");
        p             = p ? p + 3 : url;
        size_t k      = 0;
        for (; *p != '\0' && k < SAVE_NAME_MAX; p++)
            out[k++] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                               (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_'
                           ? *p
                           : '_';
        out[k] = '\0';
        if (out[0] == '.')
            out[0] = '_';
        return save_name_valid(out) ? 0 : -EINVAL;
    }
    return save_name_from_url(url, out);
}

/* Every link needs a distinct, safe file name under --out (unless nothing
 * is saved). */
static int name_links(struct dl_set *s, unsigned how, char *err, size_t errsz)
{
    size_t n = s->links.n;
    for (size_t i = 0; i < n; i++) {
        char name[SAVE_NAME_MAX + 1], shown[256];
        if (link_name(how, i, s->links.v[i].url, name) != 0) {
            str_escape(shown, sizeof(shown), s->links.v[i].url);
            return errf(err, errsz,
                        "link %zu (%s) has no usable file name (--save-as index numbers "
                        "every link)",
                        i, shown);
        }
        if ((s->v[i].name = strdup(name)) == NULL)
            return errc(-ENOMEM, err, errsz, "out of memory");
    }
    if (s->discard)
        return 0;
    char **sorted = malloc((n ? n : 1) * sizeof(*sorted));
    if (sorted == NULL)
        return errc(-ENOMEM, err, errsz, "out of memory");
    for (size_t i = 0; i < n; i++)
        sorted[i] = s->v[i].name;
    qsort(sorted, n, sizeof(*sorted), cmp_str);
    int rc = 0;
    for (size_t i = 1; i < n && rc == 0; i++) {
        if (strcmp(sorted[i - 1], sorted[i]) == 0) {
            char shown[256];
            str_escape(shown, sizeof(shown), sorted[i]);
            rc = errf(err, errsz,
                      "two links save to the same name '%s' (--save-as index numbers every "
                      "link; --discard saves nothing)",
                      shown);
        }
    }
    free(sorted);
    return rc;
}

/* What each link can be checked against. A malformed checksum of the
 * algorithm we compute is a broken index, not an unverifiable link. */
static int plan_checks(struct dl_set *s, char *err, size_t errsz)
{
    for (size_t i = 0; i < s->links.n; i++) {
        const struct link *k = &s->links.v[i];
        struct dl_link    *d = &s->v[i];
        d->sum_kind          = checksum_parse(k->checksum, &d->sum);
        if (d->sum_kind == CHECKSUM_MALFORMED) {
            char shown[64];
            str_escape(shown, sizeof(shown), k->checksum);
            return errf(err, errsz,
                        "index entry %zu: malformed checksum '%s' (want xxh3: and 16 "
                        "hex digits)",
                        i, shown);
        }
        if (d->sum_kind == CHECKSUM_XXH3)
            s->by_checksum++;
        else if (k->size >= 0)
            s->size_only++;
        else
            s->unchecked++;
        s->unknown_algo += d->sum_kind == CHECKSUM_UNKNOWN;
    }
    return 0;
}

/* "Name: value": a token-like name, a colon, no line break anywhere. */
static int header_ok(const char *h)
{
    size_t name = strcspn(h, ":");
    if (name == 0 || h[name] != ':' || strpbrk(h, "\r\n") != NULL)
        return 0;
    for (size_t k = 0; k < name; k++)
        if (!((h[k] >= 'A' && h[k] <= 'Z') || (h[k] >= 'a' && h[k] <= 'z') ||
              (h[k] >= '0' && h[k] <= '9') || strchr("!#$%&'*+-.^_`|~", h[k])))
            return 0;
    return 1;
}

int dl_check_options(const struct dl_options *o, char *err, size_t errsz)
{
    if (o->url == NULL && o->links_path == NULL)
        return errf(err, errsz,
                    "this workload needs --url (an index or URL list) or --links (a file); "
                    "'concbench serve' starts a server and prints a URL to give it");
    if (o->url != NULL && o->links_path != NULL)
        return errf(err, errsz, "this workload takes one of --url or --links, not both");
    for (unsigned k = 0; k < o->headers.n; k++) {
        if (!header_ok(o->headers.v[k])) {
            /* Never echo the value: it may be a token. */
            size_t name = strcspn(o->headers.v[k], ":\r\n");
            return errf(err, errsz,
                        "--header #%u ('%.*s...'): expected 'Name: value' on one line, the name "
                        "made of letters, digits and -",
                        k + 1, (int)(name < 40 ? name : 40), o->headers.v[k]);
        }
    }
    struct links_shape shape = {o->links_at, o->filters.v, o->filters.n};
    return links_shape_check(&shape, err, errsz);
}

int dl_open(struct dl_set *s, const struct dl_options *o, char *err, size_t errsz)
{
    *s     = (struct dl_set){.dir = {.fd = -1}};
    int rc = dl_check_options(o, err, errsz);
    if (rc != 0)
        return rc;
    s->lim =
        (struct fetch_limits){(long)o->timeout_ms, (long)o->connect_timeout_ms, o->max_size, NULL};
    s->retries = (unsigned)o->retries;
    for (unsigned k = 0; k < o->headers.n; k++) {
        struct curl_slist *next = curl_slist_append(s->headers, o->headers.v[k]);
        if (next == NULL) {
            rc = errc(-ENOMEM, err, errsz, "out of memory");
            goto fail;
        }
        s->headers = next;
    }
    s->lim.headers           = s->headers;
    struct links_shape shape = {o->links_at, o->filters.v, o->filters.n};
    rc = o->url ? links_load_url(o->url, s->headers, &shape, &s->links, err, errsz)
                : links_load_file_shaped(o->links_path, &shape, &s->links, err, errsz);
    if (rc != 0)
        goto fail;
    if ((s->v = calloc(s->links.n, sizeof(*s->v))) == NULL) {
        rc = errc(-ENOMEM, err, errsz, "out of memory");
        goto fail;
    }
    s->discard = o->discard;
    if ((rc = name_links(s, o->save_as, err, errsz)) != 0 || (rc = plan_checks(s, err, errsz)) != 0)
        goto fail;
    if (s->discard) {
        s->dir.fd = -1;
        snprintf(s->dir.path, sizeof(s->dir.path), "(nothing saved: --discard)");
    } else if ((rc = save_dir_open(o->out_dir, &s->dir)) != 0) {
        char shown[256];
        str_escape(shown, sizeof(shown), o->out_dir);
        errc(rc, err, errsz, "unable to use --out %s: %s", shown, strerror(-rc));
        goto fail;
    }
    return 0;
fail:
    dl_close(s);
    return rc;
}

void dl_close(struct dl_set *s)
{
    for (size_t i = 0; s->v != NULL && i < s->links.n; i++)
        free(s->v[i].name);
    free(s->v);
    s->v = NULL;
    links_free(&s->links);
    curl_slist_free_all(s->headers);
    s->headers = NULL;
    save_dir_close(&s->dir);
}

void dl_report_fields(const struct dl_set *s, cJSON *fields)
{
    cJSON_AddNumberToObject(fields, "checked_checksum", (double)s->by_checksum);
    cJSON_AddNumberToObject(fields, "checked_size_only", (double)s->size_only);
    cJSON_AddNumberToObject(fields, "unchecked", (double)s->unchecked);
    cJSON_AddNumberToObject(fields, "unknown_checksums", (double)s->unknown_algo);
}

void dl_report_detail(const struct dl_set *s, size_t ok, size_t n, size_t failed, const char *what,
                      char *buf, size_t bufsz)
{
    char out[256];
    str_escape(out, sizeof(out), s->dir.path);
    int used = s->discard ? snprintf(buf, bufsz, "%zu of %zu files read, none saved (--discard)",
                                     ok, n)
                          : snprintf(buf, bufsz, "%zu of %zu files %ssaved to %s", ok, n, what, out);
    if (used < 0 || (size_t)used >= bufsz)
        return;
    if (failed > 0) {
        snprintf(buf + used, bufsz - (size_t)used, ": NOT verified, %zu failed", failed);
        return;
    }
    if (s->size_only == 0 && s->unchecked == 0) {
        snprintf(buf + used, bufsz - (size_t)used,
                 ", every one checked against its checksum: "
                 "verified");
        return;
    }
    snprintf(buf + used, bufsz - (size_t)used,
             "; not verified: %zu checked by checksum, %zu by size only, %zu not at all (%s)",
             s->by_checksum, s->size_only, s->unchecked,
             s->unknown_algo > 0 ? "the index gives checksums of an algorithm concbench does not "
                                   "compute"
                                 : "the index gives no checksum");
}

/* ---- a worker --------------------------------------------------------- */

int dl_worker_init(void *set, void **out)
{
    struct dl_set    *s = set;
    struct dl_worker *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return -ENOMEM;
    w->file.fd = -1;
    if (fetch_init(&w->f, &s->lim) != 0 || (w->sum = checksum_new()) == NULL) {
        fetch_fini(&w->f);
        free(w);
        return -ENOMEM;
    }
    *out = w;
    return 0;
}

void dl_worker_fini(void *set, void *wp)
{
    struct dl_set    *s = set;
    struct dl_worker *w = wp;
    if (w == NULL)
        return;
    save_abort(&w->file, &s->dir);
    checksum_free(w->sum);
    fetch_fini(&w->f);
    free(w);
}

/* The body streams into the temporary file and the checksum at once. */
static int body_sink(void *arg, const void *data, size_t len)
{
    struct dl_worker *w = arg;
    checksum_update(w->sum, data, len);
    return w->file.fd >= 0 ? save_write(&w->file, data, len) : 0; /* -1: --discard */
}

static void task_end(struct task_result *r, uint32_t err, uint64_t t0)
{
    r->err      = err;
    r->done     = 1;
    r->start_ns = t0;
    r->end_ns   = clock_ns();
}

/* Set up an attempt at task i. Returns 0, or -1 with r final. */
static int dl_begin(struct dl_set *s, struct dl_worker *w, size_t i, struct task_result *r)
{
    if (w->attempt == 0)
        w->t0 = clock_ns();
    int rc = 0;
    if (s->discard) /* the body is counted and hashed, and goes nowhere */
        w->file = (struct save_file){.fd = -1};
    else
        rc = save_open(&s->dir, s->v[i].name, &w->file);
    if (rc != 0) {
        w->file.fd = -1;
        w->attempt = 0;
        task_end(r,
                 dl_task_err(rc == -EMFILE || rc == -ENFILE ? FETCH_ERR_FD_LIMIT
                             : rc == -ENOMEM                ? FETCH_ERR_MEMORY
                                                            : FETCH_ERR_WRITE),
                 w->t0);
        return -1;
    }
    checksum_reset(w->sum);
    if (fetch_prepare(&w->f, s->links.v[i].url, body_sink, w) != 0) {
        save_abort(&w->file, &s->dir);
        w->attempt = 0;
        task_end(r, dl_task_err(FETCH_ERR_OTHER), w->t0);
        return -1;
    }
    return 0;
}

/* The transfer ended: how did it go, checks included? */
static enum fetch_err dl_check(const struct dl_set *s, const struct dl_worker *w, size_t i)
{
    enum fetch_err e = fetch_result(&w->f);
    if (e != FETCH_OK)
        return e;
    long long size = s->links.v[i].size;
    if (size >= 0 && (uint64_t)size != w->f.body_bytes)
        return FETCH_ERR_VERIFY;
    if (s->v[i].sum_kind == CHECKSUM_XXH3 && checksum_digest(w->sum) != s->v[i].sum)
        return FETCH_ERR_VERIFY;
    return FETCH_OK;
}

unsigned dl_settle(struct dl_set *s, struct dl_worker *w, size_t i, struct task_result *r)
{
    enum fetch_err e = dl_check(s, w, i);
    r->attempts      = w->attempt + 1;
    fetch_phases(&w->f, r->phase_us);
    r->bytes         = w->f.body_bytes;
    if (e == FETCH_OK) {
        w->attempt  = 0;
        r->start_ns = w->t0;
        return 0; /* the body is held, for dl_publish or a CPU stage */
    }
    save_abort(&w->file, &s->dir);
    int retryable = e == FETCH_ERR_TIMEOUT || e == FETCH_ERR_RESET ||
                    (e == FETCH_ERR_STATUS && w->f.status >= 500);
    if (retryable && w->attempt < s->retries && !exec_stopping()) {
        unsigned shift = w->attempt < RETRY_MAX_SHIFT ? w->attempt : RETRY_MAX_SHIFT;
        w->attempt++;
        *r = (struct task_result){0};
        return RETRY_BASE_MS << shift;
    }
    w->attempt = 0;
    task_end(r, dl_task_err(e), w->t0);
    return 0;
}

void dl_publish(struct dl_set *s, struct dl_worker *w, size_t i, struct task_result *r)
{
    if (exec_stopping()) { /* nothing new appears in --out after a stop */
        save_abort(&w->file, &s->dir);
        task_end(r, TASK_INTERRUPTED, w->t0);
        return;
    }
    if (s->discard) {
        task_end(r, TASK_OK, w->t0);
        return;
    }
    exec_blocking_begin();
    int rc = save_commit(&w->file, &s->dir, s->v[i].name);
    exec_blocking_end();
    w->file.fd = -1;
    task_end(r, rc == 0 ? TASK_OK : dl_task_err(FETCH_ERR_WRITE), w->t0);
}

void dl_take_body(struct dl_worker *w, struct dl_body *b)
{
    *b             = (struct dl_body){.file = w->file, .bytes = w->f.body_bytes};
    w->file.fd     = -1;
    w->file.tmp[0] = '\0';
}

void dl_drop_body(struct dl_set *s, struct dl_body *b)
{
    save_abort(&b->file, &s->dir);
}

/* Wait out a retry backoff: blocking, so an interpreter lock is let go. */
static void backoff(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    exec_blocking_begin();
    nanosleep(&ts, NULL); /* a signal cuts it short: fine, the stop is checked next */
    exec_blocking_end();
}

void dl_fetch(struct dl_set *s, struct dl_worker *w, size_t i, struct task_result *r)
{
    for (;;) {
        if (dl_begin(s, w, i, r) != 0)
            return;
        fetch_perform(&w->f);
        unsigned retry_ms = dl_settle(s, w, i, r);
        if (retry_ms == 0)
            return;
        backoff(retry_ms);
    }
}

/* ---- the asynchronous form -------------------------------------------- */

struct dl_source {
    struct dl_set      *set;
    struct fetch_multi *multi;
};

void *dl_async_open(void *ctx, struct async_loop *loop)
{
    struct dl_source *src = calloc(1, sizeof(*src));
    if (src == NULL)
        return NULL;
    src->set = ctx;
    if ((src->multi = fetch_multi_new(loop)) == NULL) {
        free(src);
        return NULL;
    }
    return src;
}

void dl_async_close(void *source)
{
    struct dl_source *src = source;
    fetch_multi_free(src->multi);
    free(src);
}

int dl_async_start(void *source, void *wp, size_t i, void *token, struct task_result *r)
{
    struct dl_source *src = source;
    struct dl_worker *w   = wp;
    if (dl_begin(src->set, w, i, r) != 0)
        return -1;
    if (fetch_multi_add(src->multi, &w->f, token) != 0) {
        save_abort(&w->file, &src->set->dir);
        w->attempt = 0;
        task_end(r, dl_task_err(FETCH_ERR_OTHER), w->t0);
        return -1;
    }
    return 0;
}

void dl_async_ready(void *source, int fd, unsigned events)
{
    struct dl_source *src = source;
    fetch_multi_ready(src->multi, fd, events);
}

void dl_async_cancel(void *source, void *wp)
{
    struct dl_source *src = source;
    struct dl_worker *w   = wp;
    fetch_multi_remove(src->multi, &w->f);
    save_abort(&w->file, &src->set->dir);
    w->attempt = 0;
}
