/*
 * run.c: `concbench run` and `concbench list`.
 *
 * run sets up one workload, hands it to one strategy, times the strategy's
 * run() with the monotonic clock and getrusage (children included), merges
 * and verifies the results, and prints either a short human summary or one
 * JSON object. Only the strategy's run() is inside the timed region: set-up
 * (fetching the index, materialising the array) and reporting are not.
 */
#include "cli.h"

#include "clock.h"
#include "exec.h"
#include "save.h"
#include "strategy.h"
#include "sysinfo.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <event2/event.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORKERS 4096

static void run_help(FILE *f)
{
    fprintf(f,
        "usage: concbench run --workload io|cpu --strategy NAME [options]\n"
        "\n"
        "Run every task of a workload once with one concurrency strategy, verify the\n"
        "result, and report wall time, CPU time, peak memory and context switches.\n"
        "\n"
        "  --workload NAME     io or cpu (see 'concbench list')\n"
        "  --strategy NAME     sequential, threads, procs or eventloop\n"
        "  --workers N         threads / processes / transfers in flight (default: cores)\n"
        "  --switch-interval-ms MS  gil: wait before asking the holder to drop (default 5)\n"
        "  --json              print one JSON object instead of the summary\n"
        "  --output FILE       also write that JSON object to FILE, atomically\n"
        "\n"
        "io workload:\n"
        "  --url URL           index JSON or URL list to download first\n"
        "  --links FILE        the same, from a file\n"
        "  --out DIR           where to save the files (default: downloads)\n"
        "  --timeout-ms MS     per-transfer time limit (default 30000)\n"
        "  --connect-timeout-ms MS  per-connect time limit (default 10000)\n"
        "  --retries N         retry 5xx, resets and timeouts up to N times, with\n"
        "                      backoff from 50 ms doubling to 800 ms (never a 404)\n"
        "\n"
        "mixed workload: as io, plus --work K rounds per 8-byte word (default 1000)\n"
        "\n"
        "cpu workload:\n"
        "  --kernel sum|heavy  memory-bound sum or compute-bound LCG rounds (default heavy)\n"
        "  --n N               array elements (default 16777216)\n"
        "  --chunk N           elements per task (default 65536)\n"
        "  --work K            LCG rounds per element for heavy (default 100)\n"
        "  --sync MODE         how results are added up: local (per-task sums, default),\n"
        "                      atomic, mutex (one shared total) or none (a shared total\n"
        "                      with no synchronisation: the race; loses updates)\n"
        "\n"
        "SIGINT or SIGTERM stops the run within about a second: tasks in flight\n"
        "are abandoned, the partial summary is printed, exit 128 + signal.\n"
        "\n"
        "Exit status: 0 all tasks succeeded and verified, 1 some did not,\n"
        "2 usage or setup error, 130/143 interrupted.\n");
}

void machine_json(cJSON *obj)
{
    sysinfo_json(obj);
    cJSON_AddStringToObject(obj, "libevent", event_get_version());
}

int cmd_info(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: concbench info\n\nPrint the machine and build description (CPU model, "
               "cores, kernel,\ncompiler and flags, library versions) that every result "
               "records, as JSON.\n");
        return 0;
    }
    if (argc > 1)
        return usage_error("info: unexpected argument '%s'", argv[1]);
    cJSON *j = cJSON_CreateObject();
    machine_json(j);
    char *s = cJSON_Print(j);
    if (s != NULL)
        puts(s);
    free(s);
    cJSON_Delete(j);
    return 0;
}

int cmd_list(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: concbench list\n\nName every strategy and workload with a one-line "
               "summary.\n");
        return 0;
    }
    if (argc > 1)
        return usage_error("list: unexpected argument '%s'", argv[1]);
    printf("strategies:\n");
    for (size_t i = 0; strategies[i]; i++)
        printf("  %-11s %s\n", strategies[i]->name, strategies[i]->summary);
    printf("workloads:\n");
    for (size_t i = 0; workloads[i]; i++)
        printf("  %-11s %s\n", workloads[i]->name, workloads[i]->summary);
    return 0;
}

struct run_args {
    const struct workload *wl;
    const struct strategy *st;
    unsigned               workers;
    int                    json;
    const char            *output;
    uint64_t               switch_interval_ns;
    struct wl_options      wo;
};

static int parse_run(int argc, char **argv, struct run_args *a)
{
    enum { O_WORKLOAD = 256, O_STRATEGY, O_WORKERS, O_JSON, O_URL, O_LINKS, O_OUT, O_N,
           O_CHUNK, O_KERNEL, O_WORK, O_SYNC, O_INTERVAL, O_TIMEOUT, O_CONNECT, O_RETRIES,
           O_OUTPUT, O_HELP };
    static const struct option longopts[] = {
        {"workload", required_argument, NULL, O_WORKLOAD},
        {"strategy", required_argument, NULL, O_STRATEGY},
        {"workers",  required_argument, NULL, O_WORKERS},
        {"json",     no_argument,       NULL, O_JSON},
        {"url",      required_argument, NULL, O_URL},
        {"links",    required_argument, NULL, O_LINKS},
        {"out",      required_argument, NULL, O_OUT},
        {"n",        required_argument, NULL, O_N},
        {"chunk",    required_argument, NULL, O_CHUNK},
        {"kernel",   required_argument, NULL, O_KERNEL},
        {"work",     required_argument, NULL, O_WORK},
        {"sync",     required_argument, NULL, O_SYNC},
        {"switch-interval-ms", required_argument, NULL, O_INTERVAL},
        {"timeout-ms", required_argument, NULL, O_TIMEOUT},
        {"connect-timeout-ms", required_argument, NULL, O_CONNECT},
        {"retries",  required_argument, NULL, O_RETRIES},
        {"output",   required_argument, NULL, O_OUTPUT},
        {"help",     no_argument,       NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    uint64_t v;
    int c;
    a->workers = (unsigned)sysinfo_cores();
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case O_WORKLOAD:
            if ((a->wl = workload_find(optarg)) == NULL)
                return usage_error("unknown workload '%s' (see 'concbench list')", optarg);
            break;
        case O_STRATEGY:
            if ((a->st = strategy_find(optarg)) == NULL)
                return usage_error("unknown strategy '%s' (see 'concbench list')", optarg);
            break;
        case O_WORKERS:
            if (opt_u64("--workers", optarg, 1, MAX_WORKERS, &v) != 0)
                return EXIT_USAGE;
            a->workers = (unsigned)v;
            break;
        case O_JSON:  a->json = 1; break;
        case O_URL:   a->wo.url = optarg; break;
        case O_LINKS: a->wo.links_path = optarg; break;
        case O_OUT:
            if (optarg[0] == '\0')
                return usage_error("--out: empty directory name");
            a->wo.out_dir = optarg;
            break;
        case O_N:
            if (opt_u64("--n", optarg, 1, UINT64_MAX, &a->wo.n) != 0)
                return EXIT_USAGE;
            break;
        case O_CHUNK:
            if (opt_u64("--chunk", optarg, 1, UINT64_MAX, &a->wo.chunk) != 0)
                return EXIT_USAGE;
            break;
        case O_WORK:
            if (opt_u64("--work", optarg, 1, 1000000, &a->wo.work) != 0)
                return EXIT_USAGE;
            break;
        case O_KERNEL:
            if (strcmp(optarg, "sum") != 0 && strcmp(optarg, "heavy") != 0)
                return usage_error("--kernel: '%s' is not sum or heavy", optarg);
            a->wo.kernel = optarg;
            break;
        case O_SYNC:
            if (strcmp(optarg, "local") != 0 && strcmp(optarg, "atomic") != 0 &&
                strcmp(optarg, "mutex") != 0 && strcmp(optarg, "none") != 0)
                return usage_error("--sync: '%s' is not local, atomic, mutex or none", optarg);
            a->wo.sync = optarg;
            break;
        case O_INTERVAL: {
            double ms;
            if (opt_double("--switch-interval-ms", optarg, 0.001, 10000, &ms) != 0)
                return EXIT_USAGE;
            a->switch_interval_ns = (uint64_t)(ms * 1e6);
            break;
        }
        case O_TIMEOUT:
            if (opt_u64("--timeout-ms", optarg, 1, 86400000, &v) != 0)
                return EXIT_USAGE;
            a->wo.timeout_ms = (long)v;
            break;
        case O_CONNECT:
            if (opt_u64("--connect-timeout-ms", optarg, 1, 86400000, &v) != 0)
                return EXIT_USAGE;
            a->wo.connect_timeout_ms = (long)v;
            break;
        case O_RETRIES:
            if (opt_u64("--retries", optarg, 0, 100, &v) != 0)
                return EXIT_USAGE;
            a->wo.retries = (unsigned)v;
            break;
        case O_OUTPUT:
            if (optarg[0] == '\0')
                return usage_error("--output: empty file name");
            a->output = optarg;
            break;
        case 'h':
        case O_HELP:
            run_help(stdout);
            return -1;
        default:
            if (optopt >= O_WORKLOAD)
                return usage_error("run: option '%s' needs a value", argv[optind - 1]);
            return usage_error("run: unknown option '%s' (try --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("run: unexpected argument '%s'", argv[optind]);
    if (a->wl == NULL)
        return usage_error("run: --workload is required (io or cpu)");
    if (a->st == NULL)
        return usage_error("run: --strategy is required (see 'concbench list')");
    if (a->wo.sync != NULL && strcmp(a->wo.sync, "local") != 0 &&
        !(a->st->flags & STRATEGY_SHARED_MEMORY))
        return usage_error("--sync %s needs workers that share memory; %s's do not",
                           a->wo.sync, a->st->name);
    if (a->st->max_workers && a->workers > a->st->max_workers)
        a->workers = a->st->max_workers;
    return 0;
}

static void print_summary(const struct run_args *a, const struct run_report *rep, double wall_s,
                          const struct usage *u, const cJSON *j)
{
    int sig = exec_stopping();
    if (sig)
        printf("INTERRUPTED by %s: partial results, %zu of %zu tasks finished\n",
               sig == SIGINT ? "SIGINT" : "SIGTERM", rep->tasks - rep->errors[FETCH_ERR_INTERRUPTED],
               rep->tasks);
    printf("%s / %s, %u worker%s: %zu tasks, %zu ok, %zu failed in %.3f s\n", a->wl->name,
           a->st->name, a->workers, a->workers == 1 ? "" : "s", rep->tasks, rep->ok, rep->failed,
           wall_s);
    printf("  %s\n", rep->detail);
    printf("  cpu %.3f s user + %.3f s sys, peak rss %ld KiB, %ld voluntary / %ld involuntary "
           "context switches\n",
           ns_to_s(u->user_ns), ns_to_s(u->sys_ns), u->max_rss_kb, u->ctx_voluntary,
           u->ctx_involuntary);
    const cJSON *lost = cJSON_GetObjectItem(j, "workers_lost");
    if (cJSON_IsNumber(lost) && lost->valuedouble > 0)
        printf("  %g worker process%s died; their tasks in progress are counted failed\n",
               lost->valuedouble, lost->valuedouble == 1 ? "" : "es");
    if (rep->retries)
        printf("  %zu transfer%s retried\n", rep->retries, rep->retries == 1 ? "" : "s");
    if (rep->failed) {
        printf("  errors:");
        for (int e = 1; e < FETCH_ERR__COUNT; e++)
            if (rep->errors[e])
                printf(" %s %zu", fetch_err_name(e), rep->errors[e]);
        printf("\n");
    }
}

static void result_json(cJSON *j, const struct run_args *a, const struct run_report *rep,
                        double wall_s, const struct usage *u)
{
    cJSON_AddStringToObject(j, "strategy", a->st->name);
    cJSON_AddStringToObject(j, "workload", a->wl->name);
    cJSON_AddNumberToObject(j, "workers", a->workers);
    cJSON_AddNumberToObject(j, "tasks", (double)rep->tasks);
    cJSON_AddNumberToObject(j, "ok", (double)rep->ok);
    cJSON_AddNumberToObject(j, "failed", (double)rep->failed);
    cJSON_AddNumberToObject(j, "bytes", (double)rep->bytes);
    cJSON_AddBoolToObject(j, "verified", rep->verified);
    cJSON_AddNumberToObject(j, "wall_s", wall_s);
    cJSON_AddNumberToObject(j, "user_s", ns_to_s(u->user_ns));
    cJSON_AddNumberToObject(j, "sys_s", ns_to_s(u->sys_ns));
    cJSON_AddNumberToObject(j, "max_rss_kb", (double)u->max_rss_kb);
    cJSON_AddNumberToObject(j, "ctx_voluntary", (double)u->ctx_voluntary);
    cJSON_AddNumberToObject(j, "ctx_involuntary", (double)u->ctx_involuntary);
    cJSON *errs = cJSON_AddObjectToObject(j, "errors");
    for (int e = 1; e < FETCH_ERR__COUNT; e++)
        cJSON_AddNumberToObject(errs, fetch_err_name(e), (double)rep->errors[e]);
    cJSON_AddStringToObject(j, "limits", a->st->limits);
    cJSON_AddStringToObject(j, "clock", "CLOCK_MONOTONIC");
    int sig = exec_stopping();
    cJSON_AddStringToObject(j, "interrupted", sig == 0 ? "" : sig == SIGINT ? "SIGINT" : "SIGTERM");
    cJSON_AddStringToObject(j, "detail", rep->detail);
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

int cmd_run(int argc, char **argv)
{
    struct run_args a = {0};
    int rc = parse_run(argc, argv, &a);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    raise_nofile_limit();
    catch_stop_signals();

    char err[512] = "";
    void *ctx = NULL;
    if (a.wl->setup(&a.wo, &ctx, err, sizeof(err)) != 0) {
        if (exec_stopping())
            return usage_error("interrupted during set-up"), 128 + exec_stopping();
        return usage_error("%s", err);
    }

    size_t n = a.wl->count(ctx);
    struct task_result *results = calloc(n ? n : 1, sizeof(*results));
    if (results == NULL) {
        a.wl->teardown(ctx);
        return usage_error("out of memory for %zu results", n);
    }

    cJSON *j = cJSON_CreateObject();
    struct strategy_opts so = {
        .workers = a.workers, .switch_interval_ns = a.switch_interval_ns, .json = j,
    };
    struct usage u0, u1;
    usage_snapshot(&u0);
    uint64_t t0 = clock_ns();
    rc = a.st->run(a.wl, ctx, &so, results, err, sizeof(err));
    uint64_t t1 = clock_ns();
    usage_snapshot(&u1);
    if (rc != 0) {
        cJSON_Delete(j);
        free(results);
        a.wl->teardown(ctx);
        return usage_error("%s: %s", a.st->name, err);
    }

    struct usage du = usage_delta(&u0, &u1);
    double wall_s = ns_to_s(t1 - t0);
    struct run_report rep;
    workload_tally(results, n, &rep);
    result_json(j, &a, &rep, wall_s, &du);
    a.wl->report(ctx, results, n, &rep, j);
    cJSON_ReplaceItemInObject(j, "verified", cJSON_CreateBool(rep.verified));
    cJSON_ReplaceItemInObject(j, "detail", cJSON_CreateString(rep.detail));
    machine_json(cJSON_AddObjectToObject(j, "machine"));

    char *js = cJSON_PrintUnformatted(j);
    int out_rc = 0;
    if (a.output != NULL) {
        out_rc = js ? save_path_atomic(a.output, js, strlen(js)) : -ENOMEM;
        if (out_rc != 0)
            fprintf(stderr, "concbench: unable to write %s: %s\n", a.output, strerror(-out_rc));
    }
    if (a.json) {
        if (js != NULL)
            puts(js);
    } else {
        print_summary(&a, &rep, wall_s, &du, j);
    }
    fflush(stdout);
    free(js);
    cJSON_Delete(j);
    free(results);
    a.wl->teardown(ctx);
    if (exec_stopping())
        return 128 + exec_stopping();
    if (out_rc != 0)
        return EXIT_USAGE;
    return rep.verified ? 0 : EXIT_FAILED;
}
