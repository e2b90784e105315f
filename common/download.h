/*
 * download.h: one download task, the fetch/save core every downloading
 * workload shares: fetch link i, stream its body into an unnamed temporary
 * file in --out while hashing it and counting its bytes, check the status,
 * the size and the checksum, then publish it under its name.
 *
 * Memory per transfer is one libcurl buffer, whatever the body's size:
 * the body goes to disk as it arrives, and the checksum is computed
 * incrementally. A body larger than the size limit is refused (too_large)
 * and its temporary file dropped. A failed transfer, a failed check or a
 * stop request leaves nothing behind.
 *
 * Two forms over the same steps: dl_fetch runs a task blocking (with its
 * retries and backoff); dl_async_* drive many at once from an event loop
 * (async.h) through libcurl's multi handle (fetch_multi.h). Either way a
 * task ends with its verified body held in its worker (dl_settle returns
 * with r->done == 0) for the caller to publish (dl_publish) or to
 * transform first (the mixed workload reads it back: dl_body_fd).
 *
 * The set and its links are read-only once open; a dl_worker belongs to
 * one thread at a time.
 */
#ifndef CONCBENCH_DOWNLOAD_H
#define CONCBENCH_DOWNLOAD_H

#include "async.h"
#include "checksum.h"
#include "fetch.h"
#include "links.h"
#include "opt.h"
#include "save.h"
#include "task.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

struct dl_options {
    const char      *url;        /* index or URL list to fetch (one of these two) */
    const char      *links_path; /* the same, from a file */
    struct opt_texts headers;    /* "Name: value", on the index request and every transfer */
    int              show_headers;
    const char      *links_at; /* where the links are in an index (links.h's path) */
    struct opt_texts filters;  /* which items to keep: KEY=GLOB */
    const char *out_dir;    /* where to save */
    uint64_t    timeout_ms;
    uint64_t    connect_timeout_ms;
    uint64_t    retries;  /* of 5xx, resets and timeouts */
    uint64_t    max_size; /* bytes per body */
    unsigned    save_as;  /* DL_SAVE_*: how a link's file is named */
    int         discard;  /* read, count and verify, save nothing */
};

/* How a link's file is named under --out (--save-as). */
enum { DL_SAVE_NAME, DL_SAVE_PATH, DL_SAVE_INDEX };
extern const char *const dl_save_as_names[];

/* The option-table entries of struct dl_options, for a workload whose
 * options struct holds one as member m: DL_OPTIONS(struct io_opts, dl). */
#define DL_OPTIONS(T, m)                                                                           \
    {.name    = "url",                                                                             \
     .type    = OPT_TEXT,                                                                          \
     .offset  = offsetof(T, m.url),                                                                \
     .metavar = "URL",                                                                             \
     .help    = "index JSON or URL list to download from"},                                           \
        {.name    = "links",                                                                       \
         .type    = OPT_TEXT,                                                                      \
         .offset  = offsetof(T, m.links_path),                                                     \
         .metavar = "FILE",                                                                        \
         .help    = "the same, from a file"},                                                         \
        {.name        = "header",                                                                  \
         .type        = OPT_TEXTS,                                                                 \
         .offset      = offsetof(T, m.headers),                                                    \
         .metavar     = "'NAME: VALUE'",                                                           \
         .help        = "send this header with the index request and every transfer (a token: "    \
                        "results show only its name)",                                             \
         .revealed_by = "show-headers"},                                                           \
        {.name   = "show-headers",                                                                 \
         .type   = OPT_FLAG,                                                                       \
         .offset = offsetof(T, m.show_headers),                                                    \
         .help   = "record --header values in results as given (they are hidden by default)"},    \
        {.name    = "links-path",                                                                  \
         .type    = OPT_TEXT,                                                                      \
         .offset  = offsetof(T, m.links_at),                                                       \
         .def     = LINKS_DEFAULT_PATH,                                                            \
         .metavar = "PATH",                                                                        \
         .help    = "where the links are in a JSON index: ARRAY[].LINK, dotted paths"},            \
        {.name    = "filter",                                                                      \
         .type    = OPT_TEXTS,                                                                     \
         .offset  = offsetof(T, m.filters),                                                        \
         .metavar = "KEY=GLOB",                                                                    \
         .help    = "keep only index items whose KEY matches GLOB, e.g. type=image/*"},            \
        {.name    = "out",                                                                         \
         .type    = OPT_TEXT,                                                                      \
         .offset  = offsetof(T, m.out_dir),                                                        \
         .def     = "downloads",                                                                   \
         .metavar = "DIR",                                                                         \
         .help    = "where to save the files"},                                                       \
        {.name    = "timeout-ms",                                                                  \
         .type    = OPT_UINT,                                                                      \
         .offset  = offsetof(T, m.timeout_ms),                                                     \
         .def     = "30000",                                                                       \
         .metavar = "MS",                                                                          \
         .help    = "time limit per transfer",                                                     \
         .min     = 1,                                                                             \
         .max     = 86400000},                                                                         \
        {.name    = "connect-timeout-ms",                                                          \
         .type    = OPT_UINT,                                                                      \
         .offset  = offsetof(T, m.connect_timeout_ms),                                             \
         .def     = "10000",                                                                       \
         .metavar = "MS",                                                                          \
         .help    = "time limit per connect",                                                      \
         .min     = 1,                                                                             \
         .max     = 86400000},                                                                         \
        {.name   = "retries",                                                                      \
         .type   = OPT_UINT,                                                                       \
         .offset = offsetof(T, m.retries),                                                         \
         .def    = "0",                                                                            \
         .help   = "retry 5xx, resets and timeouts up to N times, with backoff from 50 ms "        \
                   "doubling to 800 ms (never a 404)",                                             \
         .min    = 0,                                                                              \
         .max    = 100},                                                                              \
        {.name = "max-size", .type = OPT_UINT, .offset = offsetof(T, m.max_size),                  \
         .def = "268435456", .metavar = "BYTES",                                                   \
         .help = "refuse a larger body (counted too_large)", .min = 1, .max = 1ull << 40},         \
        {.name    = "save-as",                                                                     \
         .type    = OPT_CHOICE,                                                                    \
         .offset  = offsetof(T, m.save_as),                                                        \
         .choices = dl_save_as_names,                                                              \
         .def     = "name",                                                                        \
         .metavar = "HOW",                                                                         \
         .help    = "a file's name under --out: name (the URL's last segment; two alike are "      \
                    "refused), path (host, port and path, '/' as '_'), index (the link's "        \
                    "number, 000001-, before its name: any list, repeats too)"},                   \
    {                                                                                              \
        .name = "discard", .type = OPT_FLAG, .offset = offsetof(T, m.discard),                     \
        .help = "read, count and verify every body, save none (--out is not used)"                 \
    }

/* How each link can be verified, from what the index gives. */
struct dl_link {
    char              *name;     /* the file name under --out */
    enum checksum_kind sum_kind; /* CHECKSUM_XXH3: sum holds the value */
    uint64_t           sum;
};

struct dl_set {
    struct links        links;
    struct curl_slist  *headers; /* --header, owned; shared read-only by every handle */
    struct dl_link     *v;
    struct save_dir     dir;
    struct fetch_limits lim;
    unsigned            retries;
    size_t              by_checksum;  /* links with a checksum we compute */
    size_t              size_only;    /* with a size but no usable checksum */
    size_t              unchecked;    /* with neither */
    size_t              unknown_algo; /* of those, with a checksum we do not compute */
    int                 discard;      /* --discard: no file, no --out */
};

/* Exactly one of url and links_path. Returns 0 or -EINVAL with a message. */
int dl_check_options(const struct dl_options *o, char *err, size_t errsz);

/* Load the links, name their files, check the checksums' form and open
 * --out. Returns 0, or -errno with a one-line message in err. */
int  dl_open(struct dl_set *s, const struct dl_options *o, char *err, size_t errsz);
void dl_close(struct dl_set *s);

/* A worker: one reused easy handle, one running checksum, the file being
 * written. */
struct dl_worker;

/* With the signatures of task_ops.worker_init / worker_fini: set is the
 * struct dl_set, *w gets a struct dl_worker. Returns 0 or -ENOMEM. */
int  dl_worker_init(void *set, void **w);
void dl_worker_fini(void *set, void *w);

/* Run task i blocking, retries included. On return r is final (r->done),
 * or the verified body is held in w (r->done == 0). */
void dl_fetch(struct dl_set *s, struct dl_worker *w, size_t i, struct task_result *r);

/* After a transfer ended: check it and decide. Returns a delay in ms
 * when the task should be tried again (r is then cleared), else 0: r is
 * final when r->done, else the body is good and held in w. */
unsigned dl_settle(struct dl_set *s, struct dl_worker *w, size_t i, struct task_result *r);

/* Give w's held body its name and finish task i. After a stop request
 * nothing is published: the task ends interrupted. */
void dl_publish(struct dl_set *s, struct dl_worker *w, size_t i, struct task_result *r);

/* The held body: move it out of w (so w can start its next task). */
struct dl_body {
    struct save_file file; /* open for reading and writing */
    uint64_t         bytes;
};
void dl_take_body(struct dl_worker *w, struct dl_body *b);
void dl_drop_body(struct dl_set *s, struct dl_body *b);

/* The asynchronous form, with the signatures of struct task_ops: ctx is
 * the struct dl_set, w a struct dl_worker. */
void *dl_async_open(void *ctx, struct async_loop *loop);
void  dl_async_close(void *source);
int   dl_async_start(void *source, void *w, size_t i, void *token, struct task_result *r);
void  dl_async_ready(void *source, int fd, unsigned events);
void  dl_async_cancel(void *source, void *w);

/* A fetch failure kind as a task error kind (fetch_err_names are the
 * workload's error_kinds). */
uint32_t dl_task_err(enum fetch_err e);

/* What the run could check: add checked_checksum, checked_size_only,
 * unchecked and unknown_checksums to fields. */
void dl_report_fields(const struct dl_set *s, cJSON *fields);

/* One line: "OK of N files <what>saved to DIR" and what was verified and
 * how, or why not. */
void dl_report_detail(const struct dl_set *s, size_t ok, size_t n, size_t failed, const char *what,
                      char *buf, size_t bufsz);

#endif
