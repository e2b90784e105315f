/*
 * run.c: `concbench run`: one workload, one strategy, one measurement.
 *
 * The runner parses the command line against its own options and the
 * chosen plug-ins' tables, checks the workload's needs against the
 * strategy's capabilities, sets the workload up (fetching the index,
 * materialising the array: not timed), then times the strategy's run()
 * alone with the monotonic clock and getrusage (children included). It
 * merges the task results, lets the workload verify them, and prints a
 * short summary or one JSON object, which it alone writes.
 */
#include "cli.h"

#include "clock.h"
#include "cmdline.h"
#include "exec.h"
#include "progress.h"
#include "pss.h"
#include "save.h"
#include "strategy.h"
#include "sysinfo.h"
#include "trace.h"
#include "util.h"
#include "workload.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_WORKERS 4096

/* How often the PSS sampler looks, during the timed run. */
#define PSS_INTERVAL_MS 50

/* Open files a fetching run needs: per worker, a socket, a temporary
 * file and the wake-up pair libcurl keeps for each blocking handle;
 * besides them, the standard streams, --out, the event loop's descriptors
 * and a margin. */
#define FDS_PER_WORKER 4
#define FDS_FIXED      64

struct run_opts {
    const char *workload;
    const char *strategy;
    uint64_t    workers;
    int         json;
    const char *output;
    const char *trace;
    int         quiet;
    int         help;
};

static const struct opt run_options[] = {
    {.name    = "workload",
     .type    = OPT_TEXT,
     .offset  = offsetof(struct run_opts, workload),
     .metavar = "NAME",
     .help    = "what to run (see 'concbench list')"},
    {.name    = "strategy",
     .type    = OPT_TEXT,
     .offset  = offsetof(struct run_opts, strategy),
     .metavar = "NAME",
     .help    = "how to run it (see 'concbench list')"},
    {.name   = "workers",
     .type   = OPT_UINT,
     .offset = offsetof(struct run_opts, workers),
     .help   = "threads, processes or transfers in flight [default: the core count; an event "
               "loop's downloads: every one at once, as asyncio's gather]",
     .min    = 1,
     .max    = MAX_WORKERS},
    {.name   = "json",
     .type   = OPT_FLAG,
     .offset = offsetof(struct run_opts, json),
     .help   = "print one JSON object instead of the summary"},
    {.name    = "output",
     .type    = OPT_TEXT,
     .offset  = offsetof(struct run_opts, output),
     .metavar = "FILE",
     .help    = "also write that JSON object to FILE, atomically"},
    {.name    = "trace",
     .type    = OPT_TEXT,
     .offset  = offsetof(struct run_opts, trace),
     .metavar = "FILE",
     .help    = "write a timeline of the tasks to FILE (Chrome trace-event JSON: open it in "
                "ui.perfetto.dev or chrome://tracing)"},
    {.name   = "quiet",
     .type   = OPT_FLAG,
     .offset = offsetof(struct run_opts, quiet),
     .help   = "no live progress line (drawn on stderr only when it is a terminal)"},
    {.name   = "help",
     .type   = OPT_FLAG,
     .offset = offsetof(struct run_opts, help),
     .help   = "this help"},
    OPT_END,
};

const struct opt *run_option_table(void)
{
    return run_options;
}

/* Everything one run holds. */
struct run {
    struct run_opts        o;
    const struct workload *wl;
    const struct strategy *st;
    void                  *wl_opts;
    void                  *st_opts;
    unsigned               workers;
    int                    unbounded; /* no --workers, an event loop: every task in flight */
    int stop_after_setup; /* a stop the launcher took before its processes could */
    struct tasks           tasks;
    struct task_result    *results;
    struct stats           stats;
    struct run_report      rep;
    struct usage           usage;
    double                 wall_s;
    uint64_t               t0_ns;      /* when the strategy's run began */
    uint64_t               max_pss_kb; /* peak PSS over the run's processes; 0: unknown */
    int                    fds_before, fds_after; /* open descriptors around run() */
    cJSON                 *fields;                /* the workload's own */
    cJSON                 *load[2];               /* the load before and after run() */
    struct spans          *spans;                 /* with --trace: the strategy's own spans */
};

static void run_help(FILE *f)
{
    size_t n;
    fprintf(f, "usage: concbench run --workload NAME --strategy NAME [options]\n\n"
               "Run every task of a workload once with one concurrency strategy, verify the\n"
               "result, and report wall time, CPU time, peak memory and context switches.\n\n");
    opt_help(f, run_options);
    const struct strategy *const *ss = strategy_list(&n);
    fprintf(f, "\nstrategies (--strategy) and their options:\n");
    for (size_t k = 0; k < n; k++) {
        fprintf(f, " %s: %s\n", ss[k]->name, ss[k]->summary);
        opt_help(f, ss[k]->options);
    }
    const struct workload *const *ws = workload_list(&n);
    fprintf(f, "\nworkloads (--workload) and their options:\n");
    for (size_t k = 0; k < n; k++) {
        fprintf(f, " %s: %s\n", ws[k]->name, ws[k]->summary);
        opt_help(f, ws[k]->options);
    }
    fprintf(f, "\nSIGINT or SIGTERM stops the run within about a second: tasks in flight\n"
               "are abandoned, the partial summary is printed, exit 128 + signal.\n\n"
               "Exit status: 0 every task succeeded (\"verified\" says whether every answer\n"
               "could also be checked), 1 some task failed or an answer was wrong,\n"
               "2 usage or setup error, 130/143 interrupted.\n");
}

/* The names of every strategy or workload, NULL-terminated, and as text
 * ("io, cpu or mixed") for messages. */
static void plugin_names(int strategies, const char **names, size_t max, char *buf, size_t bufsz)
{
    size_t n, used = 0;
    if (strategies) {
        const struct strategy *const *v = strategy_list(&n);
        for (size_t k = 0; k < n && k + 1 < max; k++)
            names[k] = v[k]->name;
    } else {
        const struct workload *const *v = workload_list(&n);
        for (size_t k = 0; k < n && k + 1 < max; k++)
            names[k] = v[k]->name;
    }
    n        = n + 1 < max ? n : max - 1;
    names[n] = NULL;
    buf[0]   = '\0';
    for (size_t k = 0; k < n && used < bufsz; k++) {
        int w = snprintf(buf + used, bufsz - used, "%s%s",
                         k == 0       ? ""
                         : k + 1 == n ? " or "
                                      : ", ",
                         names[k]);
        used += w > 0 ? (size_t)w : 0;
    }
}

/* The plug-in --flag names, or the usage error. */
static int pick_one(int argc, char **argv, const char *flag, int strategies, const void **out)
{
    char        text[512];
    const char *names[64];
    const char *val = cmdline_peek(argc, argv, flag);
    if (val != NULL && *val == '\0')
        return usage_error("run: option '--%s' needs a value", flag);
    plugin_names(strategies, names, 64, text, sizeof(text));
    if (val == NULL)
        return usage_error("run: --%s is required (%s)", flag, text);
    *out = strategies ? (const void *)strategy_find(val) : (const void *)workload_find(val);
    if (*out != NULL)
        return 0;
    const char *near = cmdline_suggest(val, names);
    if (near != NULL) /* a typo of a name first: "thread" is one from threads */
        return usage_error("unknown %s '%s' (did you mean %s?)", flag, val, near);
    const struct strategy *alias = strategies ? strategy_for_course_word(val) : NULL;
    if (alias != NULL)
        return usage_error("unknown %s '%s': the course's %s is concbench's '%s' "
                           "(--%s %s)",
                           flag, val, val, alias->name, flag, alias->name);
    return usage_error("unknown %s '%s' (%s)", flag, val, text);
}

/* Find the plug-ins named by --workload and --strategy. */
static int pick(struct run *r, int argc, char **argv)
{
    int rc = pick_one(argc, argv, "workload", 0, (const void **)&r->wl);
    return rc != 0 ? rc : pick_one(argc, argv, "strategy", 1, (const void **)&r->st);
}

/* What a capability bit means, for "X needs ...; Y's do not". */
static const char *cap_phrase(unsigned cap)
{
    switch (cap) {
    case CAP_SHARED_MEMORY:
        return "workers that share memory";
    case CAP_PARALLEL:
        return "workers that run in parallel";
    case CAP_ASYNC:
        return "an asynchronous strategy";
    default:
        return "a capability";
    }
}

/* The workload's needs against the strategy's capabilities: one place. */
static int check_needs(const struct run *r)
{
    char        buf[128];
    unsigned    caps    = 0;
    const char *why     = r->wl->needs ? r->wl->needs(r->wl_opts, &caps, buf, sizeof(buf)) : NULL;
    unsigned    missing = caps & ~r->st->caps;
    if (missing == 0)
        return 0;
    return usage_error("%s needs %s; %s's do not", why, cap_phrase(missing & -missing),
                       r->st->name);
}

static int parse_run(struct run *r, int argc, char **argv)
{
    char err[512];
    int  rc;
    for (int a = 1; a < argc; a++)
        if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0)
            return run_help(stdout), -1;
    if ((rc = pick(r, argc, argv)) != 0)
        return rc;
    r->wl_opts = calloc(1, r->wl->opts_size ? r->wl->opts_size : 1);
    r->st_opts = calloc(1, r->st->opts_size ? r->st->opts_size : 1);
    if (r->wl_opts == NULL || r->st_opts == NULL)
        return usage_error("out of memory");
    if (opt_defaults(r->wl->options, r->wl_opts, err, sizeof(err)) != 0 ||
        opt_defaults(r->st->options, r->st_opts, err, sizeof(err)) != 0)
        return usage_error("%s", err);
    char wl_owner[64], st_owner[64];
    snprintf(wl_owner, sizeof(wl_owner), "workload %s", r->wl->name);
    snprintf(st_owner, sizeof(st_owner), "strategy %s", r->st->name);
    struct opt_scope scopes[] = {
        {run_options, &r->o, "run"},
        {r->wl->options, r->wl_opts, wl_owner},
        {r->st->options, r->st_opts, st_owner},
    };
    if ((rc = cmdline_parse("run", argc, argv, scopes, 3)) != 0)
        return rc;
    if (strcmp(r->o.workload, r->wl->name) != 0 || strcmp(r->o.strategy, r->st->name) != 0)
        return usage_error("run: --workload and --strategy may be given once each");
    if (r->wl->check && r->wl->check(r->wl_opts, err, sizeof(err)) != 0)
        return usage_error("%s", err);
    if ((rc = check_needs(r)) != 0)
        return rc;
    r->workers = r->o.workers ? (unsigned)r->o.workers : (unsigned)sysinfo_cores();
    if (r->st->max_workers && r->workers > r->st->max_workers)
        r->workers = r->st->max_workers;
    return 0;
}

/* Merge the task results into the counts every workload shares. */
static void tally(struct run *r)
{
    struct run_report *rep   = &r->rep;
    uint32_t           kinds = workload_err_count(r->wl);
    memset(rep, 0, sizeof(*rep));
    rep->tasks = r->tasks.n;
    for (size_t i = 0; i < r->tasks.n; i++) {
        const struct task_result *t = &r->results[i];
        if (t->attempts > 1)
            rep->retries += t->attempts - 1;
        if (t->done && t->err == TASK_OK) {
            rep->ok++;
            rep->bytes += t->bytes;
            continue;
        }
        /* A task that never ended was cut off by a stop request, or its
         * worker died. */
        uint32_t e = t->done ? t->err : exec_stopping() ? TASK_INTERRUPTED : TASK_LOST;
        rep->failed++;
        rep->errors[e < kinds ? e : TASK_LOST]++;
    }
}

static void add_stats_json(const struct stats *s, cJSON *obj)
{
    cJSON *j = cJSON_AddObjectToObject(obj, "stats");
    for (unsigned k = 0; j != NULL && k < s->n; k++) {
        if (s->v[k].text != NULL)
            cJSON_AddStringToObject(j, s->v[k].name, s->v[k].text);
        else
            cJSON_AddNumberToObject(j, s->v[k].name, s->v[k].value);
    }
}

static const char *stop_name(void)
{
    int sig = exec_stopping();
    return sig == 0 ? "" : sig == SIGINT ? "SIGINT" : "SIGTERM";
}

/* The result document: the runner's fields, the workload's, machine. */
static cJSON *result_json(const struct run *r)
{
    const struct run_report *rep = &r->rep;
    const struct usage      *u   = &r->usage;
    cJSON                   *j   = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "strategy", r->st->name);
    cJSON_AddStringToObject(j, "workload", r->wl->name);
    cJSON_AddNumberToObject(j, "workers", r->workers);
    if (r->unbounded)
        cJSON_AddStringToObject(j, "workers_from", "no --workers: every task in flight at once");
    cJSON_AddNumberToObject(j, "tasks", (double)rep->tasks);
    cJSON_AddNumberToObject(j, "ok", (double)rep->ok);
    cJSON_AddNumberToObject(j, "failed", (double)rep->failed);
    cJSON_AddNumberToObject(j, "bytes", (double)rep->bytes);
    cJSON_AddBoolToObject(j, "verified", rep->verified);
    cJSON_AddBoolToObject(j, "wrong", rep->wrong);
    cJSON_AddBoolToObject(j, "expected_fail", rep->expected_fail);
    if (rep->bound_s > 0)
        cJSON_AddNumberToObject(j, "bound_s", rep->bound_s);
    cJSON_AddNumberToObject(j, "wall_s", r->wall_s);
    cJSON_AddNumberToObject(j, "user_s", ns_to_s(u->user_ns));
    cJSON_AddNumberToObject(j, "sys_s", ns_to_s(u->sys_ns));
    cJSON_AddNumberToObject(j, "max_rss_kb", (double)u->max_rss_kb);
    if (r->max_pss_kb > 0)
        cJSON_AddNumberToObject(j, "max_pss_kb", (double)r->max_pss_kb);
    cJSON_AddNumberToObject(j, "ctx_voluntary", (double)u->ctx_voluntary);
    cJSON_AddNumberToObject(j, "ctx_involuntary", (double)u->ctx_involuntary);
    cJSON *fds = cJSON_AddObjectToObject(j, "open_fds"); /* a leak shows as after > before */
    cJSON_AddNumberToObject(fds, "before", r->fds_before);
    cJSON_AddNumberToObject(fds, "after", r->fds_after);
    cJSON *errs = cJSON_AddObjectToObject(j, "errors");
    for (uint32_t e = 1; e < workload_err_count(r->wl); e++)
        cJSON_AddNumberToObject(errs, workload_err_name(r->wl, e), (double)rep->errors[e]);
    cJSON_AddNumberToObject(j, "retries", (double)rep->retries);
    cJSON_AddStringToObject(j, "limits", r->st->limits);
    cJSON_AddStringToObject(j, "clock", "CLOCK_MONOTONIC");
    cJSON_AddStringToObject(j, "interrupted", stop_name());
    cJSON_AddStringToObject(j, "detail", rep->detail);
    opt_values_json(r->wl->options, r->wl_opts, cJSON_AddObjectToObject(j, "params"));
    opt_values_json(r->st->options, r->st_opts, cJSON_AddObjectToObject(j, "strategy_params"));
    add_stats_json(&r->stats, j);
    trace_completion_json(r->results, r->tasks.n, j);
    for (cJSON *f = r->fields ? r->fields->child : NULL; f != NULL; f = f->next)
        cJSON_AddItemReferenceToObject(j, f->string, f);
    machine_json(cJSON_AddObjectToObject(j, "machine"));
    cJSON *sys = cJSON_AddObjectToObject(j, "system");
    sysinfo_system_json(sys);
    cJSON *load = cJSON_AddObjectToObject(sys, "load");
    if (r->load[0] != NULL)
        cJSON_AddItemReferenceToObject(load, "before", r->load[0]);
    if (r->load[1] != NULL)
        cJSON_AddItemReferenceToObject(load, "after", r->load[1]);
    return j;
}

static void print_summary(const struct run *r)
{
    const struct run_report *rep = &r->rep;
    const struct usage      *u   = &r->usage;
    if (exec_stopping())
        printf("INTERRUPTED by %s: partial results, %zu of %zu tasks finished\n", stop_name(),
               rep->tasks - rep->errors[TASK_INTERRUPTED], rep->tasks);
    printf("%s / %s, %u worker%s: %zu tasks, %zu ok, %zu failed in %.3f s\n", r->wl->name,
           r->st->name, r->workers, r->workers == 1 ? "" : "s", rep->tasks, rep->ok, rep->failed,
           r->wall_s);
    printf("  %s\n", rep->detail);
    printf("  cpu %.3f s user + %.3f s sys, peak rss %ld KiB, %ld voluntary / %ld involuntary "
           "context switches\n",
           ns_to_s(u->user_ns), ns_to_s(u->sys_ns), u->max_rss_kb, u->ctx_voluntary,
           u->ctx_involuntary);
    if (r->stats.n > 0) {
        printf("  %s:", r->st->name);
        for (unsigned k = 0; k < r->stats.n; k++)
            if (r->stats.v[k].text != NULL)
                printf("%s %s %s", k ? "," : "", r->stats.v[k].name, r->stats.v[k].text);
            else
                printf("%s %s %g", k ? "," : "", r->stats.v[k].name, r->stats.v[k].value);
        printf("\n");
    }
    for (unsigned k = 0; k < r->stats.n; k++)
        if (r->stats.v[k].warn != NULL && r->stats.v[k].value != 0)
            printf("  %g %s\n", r->stats.v[k].value, r->stats.v[k].warn);
    const cJSON *ph  = cJSON_GetObjectItem(r->fields, "phases_ms");
    const cJSON *lat = cJSON_GetObjectItem(cJSON_GetObjectItem(r->fields, "latency_ms"), "p50");
    if (ph != NULL) { /* where a transfer's time went, as libcurl timed it */
        printf("  phases, median:");
        static const char *const key[] = {"name_lookup", "connect", "first_byte"};
        static const char *const said[] = {"name lookup", "connected", "first byte"};
        for (int k = 0; k < 3; k++) {
            const cJSON *v = cJSON_GetObjectItem(ph, key[k]);
            if (cJSON_IsNumber(v))
                printf(" %s %.3f ms,", said[k], v->valuedouble);
        }
        if (cJSON_IsNumber(lat))
            printf(" whole task %.3f ms", lat->valuedouble);
        printf(" (each from its transfer's start; connected over the transfers that opened a "
               "connection)\n");
    }
    if (rep->retries)
        printf("  %zu transfer%s retried\n", rep->retries, rep->retries == 1 ? "" : "s");
    if (rep->failed) {
        printf("  errors:");
        for (uint32_t e = 1; e < workload_err_count(r->wl); e++)
            if (rep->errors[e])
                printf(" %s %zu", workload_err_name(r->wl, e), rep->errors[e]);
        printf("\n");
    }
}

static void on_stop_signal(int sig)
{
    int saved = errno; /* a handler must not change what it interrupted */
    exec_request_stop(sig);
    errno = saved;
}

/* SIGINT and SIGTERM ask the run to stop. No SA_RESTART: a blocked read or
 * epoll_wait returns EINTR so the stop is seen at once. Forked workers
 * inherit this. */
static void catch_stop_signals(void)
{
    struct sigaction sa = {.sa_handler = on_stop_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* An event loop given no --workers keeps every download in flight at
 * once, as asyncio's gather does with no limit: as many as there are
 * tasks, as far as the open-file limit allows (said in the results). */
static void unbounded_workers(struct run *r)
{
    if (r->o.workers != 0 || !(r->st->caps & CAP_ASYNC) || !(r->wl->caps & WORKLOAD_FETCHES) ||
        r->tasks.n == 0)
        return;
    uint64_t limit = raise_nofile_limit();
    uint64_t fit   = limit > FDS_FIXED ? (limit - FDS_FIXED) / FDS_PER_WORKER : 1;
    uint64_t n     = r->tasks.n < fit ? r->tasks.n : fit;
    if (r->st->max_workers && n > r->st->max_workers)
        n = r->st->max_workers;
    r->workers   = n > 0 ? (unsigned)n : 1;
    r->unbounded = 1;
}

/* The runner's own threads during a run: the progress line's and the
 * memory sampler's. */
struct helpers {
    struct progress    *live;
    struct pss_sampler *pss;
    int                 started;
};

static void start_helpers(void *arg)
{
    struct helpers *h = arg;
    if (h->started)
        return;
    h->started = 1;
    progress_show(h->live);
    h->pss = pss_start(PSS_INTERVAL_MS);
}

/* Set up, time the strategy alone, merge, verify. Returns 0 or the exit
 * status of a setup error. */
static int measure(struct run *r)
{
    char err[512]          = "";
    r->tasks.strategy_caps = r->st->caps;
    if (r->wl->setup(r->wl_opts, &r->tasks, err, sizeof(err)) != 0) {
        if (exec_stopping())
            return usage_error("interrupted during set-up"), 128 + exec_stopping();
        return usage_error("%s", err);
    }
    if (r->stop_after_setup) /* asked while the launcher started: nothing ran */
        exec_request_stop(r->stop_after_setup);
    r->results = calloc(r->tasks.n ? r->tasks.n : 1, sizeof(*r->results));
    if (r->results == NULL)
        return usage_error("out of memory for %zu results", r->tasks.n);
    unbounded_workers(r);
    if (r->o.trace != NULL && (r->spans = spans_new("", TRACE_SPANS_MAX)) == NULL)
        return usage_error("out of memory for the trace");
    struct strategy_run sr = {
        .tasks   = &r->tasks,
        .results = r->results,
        .workers = r->workers,
        .opts    = r->st_opts,
        .stats   = &r->stats,
        .spans   = r->spans,
        .err     = err,
        .errsz   = sizeof(err),
    };
    /* The live line: a terminal only, never with --json or --quiet. */
    struct helpers h = {0};
    char           what[96];
    snprintf(what, sizeof(what), "%s/%s", r->wl->name, r->st->name);
    if (!r->o.json && !r->o.quiet && isatty(STDERR_FILENO))
        h.live = progress_start(&r->tasks, stderr, what);
    struct usage u0, u1;
    if ((r->load[0] = cJSON_CreateObject()) != NULL)
        sysinfo_load_json(r->load[0]);
    r->fds_before = sysinfo_open_fds();
    /* The runner's threads start before the run, or, for a strategy that
     * forks, once it has (no thread may be alive across a fork). */
    sr.forked     = start_helpers;
    sr.forked_arg = &h;
    if (!r->st->forks)
        start_helpers(&h);
    usage_snapshot(&u0);
    uint64_t t0 = clock_ns();
    int      rc = r->st->run(&sr);
    uint64_t t1 = clock_ns();
    progress_stop(h.live, &r->tasks);
    if (rc == STRATEGY_HELPER) { /* this process only helped: nothing to say */
        pss_stop(h.pss);
        return STRATEGY_HELPER;
    }
    r->t0_ns      = t0;
    r->max_pss_kb = pss_stop(h.pss);
    usage_snapshot(&u1);
    r->fds_after = sysinfo_open_fds();
    if ((r->load[1] = cJSON_CreateObject()) != NULL)
        sysinfo_load_json(r->load[1]);
    if (rc != 0)
        return usage_error("%s: %s", r->st->name, err);
    r->usage  = usage_delta(&u0, &u1);
    r->wall_s = ns_to_s(t1 - t0);
    tally(r);
    struct run_info ri = {r->st->name, r->st->caps, r->workers};
    r->fields          = cJSON_CreateObject();
    if (r->fields == NULL)
        return usage_error("out of memory");
    r->wl->report(&r->tasks, r->results, &ri, &r->rep, r->fields);
    return 0;
}

static const char *outcome_name(const void *arg, const struct task_result *t)
{
    const struct workload *wl = arg;
    return t->err == TASK_OK ? "ok" : workload_err_name(wl, t->err);
}

/* --trace FILE: the timeline. Returns 0 or -errno. */
static int write_trace(const struct run *r)
{
    struct trace_run t = {
        .strategy = r->st->name,
        .workload = r->wl->name,
        .caps     = r->st->caps,
        .t0_ns    = r->t0_ns,
        .results  = r->results,
        .n        = r->tasks.n,
        .outcome  = outcome_name,
        .arg      = r->wl,
        .stages   = r->wl->stages,
        .spans    = r->spans,
    };
    return trace_write(r->o.trace, &t);
}

/* Print and write the result; the exit status. */
static int finish(struct run *r)
{
    cJSON *j      = result_json(r);
    char  *js     = j ? cJSON_PrintUnformatted(j) : NULL;
    int    out_rc = js ? 0 : -ENOMEM;
    if (r->o.output != NULL && out_rc == 0)
        out_rc = save_path_atomic(r->o.output, js, strlen(js));
    if (r->o.json && js != NULL)
        puts(js);
    else if (!r->o.json)
        print_summary(r);
    fflush(stdout);
    if (out_rc != 0)
        fprintf(stderr, "concbench: unable to write %s: %s\n",
                r->o.output ? r->o.output : "the result", strerror(-out_rc));
    int trace_rc = r->o.trace ? write_trace(r) : 0;
    if (trace_rc != 0) {
        char shown[256];
        str_escape(shown, sizeof(shown), r->o.trace);
        fprintf(stderr, "concbench: unable to write the trace %s: %s\n", shown,
                strerror(-trace_rc));
        out_rc = trace_rc;
    }
    free(js);
    cJSON_Delete(j);
    if (exec_stopping())
        return 128 + exec_stopping();
    if (out_rc != 0)
        return EXIT_USAGE;
    return r->rep.failed > 0 || r->rep.wrong ? EXIT_FAILED : 0;
}

/* Raise the open-file limit as far as it goes, then check the run fits:
 * better a clear refusal now than thousands of transfers failing at once.
 * Workers that are processes each have the whole limit to themselves. */
static int check_fd_limit(const struct run *r)
{
    uint64_t limit = raise_nofile_limit();
    if (!(r->wl->caps & WORKLOAD_FETCHES) || limit == 0)
        return 0;
    uint64_t per  = r->st->caps & CAP_PROCESSES ? 0 : FDS_PER_WORKER;
    uint64_t need = FDS_FIXED + per * r->workers + (per ? 0 : FDS_PER_WORKER);
    if (need <= limit)
        return 0;
    uint64_t fit = limit > FDS_FIXED ? (limit - FDS_FIXED) / FDS_PER_WORKER : 0;
    if (fit == 0)
        return usage_error("the open-file limit (ulimit -n) is %llu; a run needs at least %u: "
                           "raise it",
                           (unsigned long long)limit, FDS_FIXED + FDS_PER_WORKER);
    return usage_error("--workers %u needs about %llu open files (%u per worker + %u), more "
                       "than the limit of %llu (ulimit -n): use --workers %llu or fewer, or "
                       "raise the limit",
                       r->workers, (unsigned long long)need, FDS_PER_WORKER, FDS_FIXED,
                       (unsigned long long)limit, (unsigned long long)fit);
}

int cmd_run(int argc, char **argv)
{
    struct run r             = {0};
    int        rc            = parse_run(&r, argc, argv);
    int        ran_elsewhere = 0;
    if (rc == 0 && r.st->launch != NULL) {
        int launched = r.st->launch(argc, argv, &r.workers);
        if (launched >= 0)
            rc = launched, ran_elsewhere = 1; /* the launcher's processes ran it */
        r.stop_after_setup = LAUNCH_STOP_SIGNAL(launched);
    }
    if (rc == 0 && !ran_elsewhere)
        rc = check_fd_limit(&r);
    if (rc == 0 && !ran_elsewhere) {
        catch_stop_signals();
        rc = measure(&r);
        if (rc == STRATEGY_HELPER)
            rc = 0;
        else if (rc == 0)
            rc = finish(&r);
    }
    if (r.tasks.ctx != NULL)
        r.wl->teardown(&r.tasks);
    cJSON_Delete(r.fields);
    cJSON_Delete(r.load[0]);
    cJSON_Delete(r.load[1]);
    free(r.results);
    spans_free(r.spans);
    free(r.wl_opts);
    free(r.st_opts);
    return rc < 0 ? 0 : rc;
}
