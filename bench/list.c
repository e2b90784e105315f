/*
 * list.c: `concbench list` and `concbench info`: the plug-in tables and
 * the machine, for people and for scripts; and the check of the tables.
 *
 * `list --json` is the only registry the scripts, charts and tests read:
 * every strategy and workload with its options, capabilities, display
 * order and colour, and for workloads how make bench runs them.
 */
#include "cli.h"

#include "membw.h"

#include "cmdline.h"
#include "strategy.h"
#include "sysinfo.h"
#include "workload.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void machine_json(cJSON *obj)
{
    sysinfo_json(obj);
    cJSON_AddStringToObject(obj, "libevent", event_get_version());
    cJSON_AddStringToObject(obj, "concbench", CONCBENCH_VERSION);
    cJSON_AddStringToObject(obj, "commit", cb_git_commit);
    cJSON_AddBoolToObject(obj, "dirty", cb_git_dirty);
}

static cJSON *caps_json(unsigned caps, const char *const *names)
{
    cJSON *arr = cJSON_CreateArray();
    for (unsigned k = 0; arr != NULL && names[k] != NULL; k++)
        if (caps & (1u << k))
            cJSON_AddItemToArray(arr, cJSON_CreateString(names[k]));
    return arr;
}

static void add_str(cJSON *obj, const char *key, const char *val)
{
    if (val != NULL)
        cJSON_AddStringToObject(obj, key, val);
    else
        cJSON_AddNullToObject(obj, key);
}

static cJSON *strategy_json(const struct strategy *s)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "name", s->name);
    cJSON_AddStringToObject(j, "summary", s->summary);
    cJSON_AddStringToObject(j, "limits", s->limits);
    cJSON_AddItemToObject(j, "caps", caps_json(s->caps, strategy_cap_names));
    cJSON_AddNumberToObject(j, "max_workers", s->max_workers);
    cJSON_AddNumberToObject(j, "order", s->order);
    add_str(j, "color", s->color);
    add_str(j, "peer", s->peer);
    cJSON_AddItemToObject(j, "options", opt_table_json(s->options));
    return j;
}

static cJSON *series_json(const struct bench_series *b)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "id", b->id);
    add_str(j, "title", b->title);
    add_str(j, "args", b->args ? b->args : "");
    add_str(j, "quick_args", b->quick_args ? b->quick_args : b->args ? b->args : "");
    add_str(j, "workers", b->workers);
    add_str(j, "quick_workers", b->quick_workers ? b->quick_workers : b->workers);
    add_str(j, "chart", b->chart);
    add_str(j, "vary", b->vary);
    add_str(j, "values", b->values);
    add_str(j, "quick_values", b->quick_values ? b->quick_values : b->values);
    add_str(j, "only", b->only);
    add_str(j, "ceiling", b->ceiling);
    return j;
}

static cJSON *workload_json(const struct workload *w)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "name", w->name);
    cJSON_AddStringToObject(j, "summary", w->summary);
    cJSON_AddItemToObject(j, "caps", caps_json(w->caps, workload_cap_names));
    cJSON_AddNumberToObject(j, "order", w->order);
    add_str(j, "color", w->color);
    add_str(j, "test_args", w->test_args ? w->test_args : "");
    cJSON *kinds = cJSON_AddArrayToObject(j, "error_kinds");
    for (uint32_t e = 1; e < workload_err_count(w); e++)
        cJSON_AddItemToArray(kinds, cJSON_CreateString(workload_err_name(w, e)));
    cJSON_AddItemToObject(j, "options", opt_table_json(w->options));
    cJSON *series = cJSON_AddArrayToObject(j, "series");
    for (const struct bench_series *b = w->series; b && b->id; b++)
        cJSON_AddItemToArray(series, series_json(b));
    return j;
}

static int list_json(void)
{
    size_t                        n;
    cJSON                        *root = cJSON_CreateObject();
    cJSON                        *arr  = cJSON_AddArrayToObject(root, "strategies");
    const struct strategy *const *ss   = strategy_list(&n);
    for (size_t k = 0; k < n; k++)
        cJSON_AddItemToArray(arr, strategy_json(ss[k]));
    arr                              = cJSON_AddArrayToObject(root, "workloads");
    const struct workload *const *ws = workload_list(&n);
    for (size_t k = 0; k < n; k++)
        cJSON_AddItemToArray(arr, workload_json(ws[k]));
    cJSON_AddNumberToObject(root, "cores", sysinfo_cores());
    char *s = cJSON_Print(root);
    if (s != NULL)
        puts(s);
    free(s);
    cJSON_Delete(root);
    return s != NULL ? 0 : usage_error("out of memory");
}

static void list_text(void)
{
    size_t                        n;
    const struct strategy *const *ss = strategy_list(&n);
    printf("strategies:\n");
    for (size_t k = 0; k < n; k++)
        printf("  %-11s %s\n", ss[k]->name, ss[k]->summary);
    const struct workload *const *ws = workload_list(&n);
    printf("workloads:\n");
    for (size_t k = 0; k < n; k++)
        printf("  %-11s %s\n", ws[k]->name, ws[k]->summary);
    printf("\n'concbench run --help' lists every option; 'concbench list --json' has it all.\n");
}

static void list_names(int strategies)
{
    size_t n;
    if (strategies) {
        const struct strategy *const *ss = strategy_list(&n);
        for (size_t k = 0; k < n; k++)
            puts(ss[k]->name);
    } else {
        const struct workload *const *ws = workload_list(&n);
        for (size_t k = 0; k < n; k++)
            puts(ws[k]->name);
    }
}

int cmd_list(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: concbench list [--json | --names strategies|workloads]\n\n"
               "Name every strategy and workload with a one-line summary; --json adds\n"
               "their options, capabilities, display order, colours and bench series;\n"
               "--names prints one name a line.\n");
        return 0;
    }
    if (argc == 1)
        return list_text(), 0;
    if (argc == 2 && strcmp(argv[1], "--json") == 0)
        return list_json();
    if (argc == 3 && strcmp(argv[1], "--names") == 0 &&
        (strcmp(argv[2], "strategies") == 0 || strcmp(argv[2], "workloads") == 0))
        return list_names(argv[2][0] == 's'), 0;
    return usage_error("list: unexpected arguments (try 'concbench list --help')");
}

int cmd_info(int argc, char **argv)
{
    int           bandwidth = 0;
    unsigned long mib       = MEMBW_BYTES >> 20;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
            printf("usage: concbench info [--bandwidth] [--bandwidth-mib MIB]\n\n"
                   "Print the machine and build description (CPU model, cores, kernel,\n"
                   "compiler and flags, library versions, the concbench commit) that every\n"
                   "result records, and under \"system\" what tells a quiet machine from a busy\n"
                   "one (hostname, boot id, uptime, load average and runnable threads, CPU\n"
                   "frequency, governor, boost, ASLR, affinity, isolated CPUs), as JSON.\n\n"
                   "  --bandwidth        also measure the memory read bandwidth with 1..cores\n"
                   "                     threads (best of %u reads of a %u MiB array, the sum\n"
                   "                     kernel's loop): the ceiling of the cpu workload's sum\n"
                   "                     kernel; about a second\n"
                   "  --bandwidth-mib N  the same, reading an array of N MiB (%u..%u); keep it\n"
                   "                     well above the last-level cache\n",
                   MEMBW_REPS, MEMBW_BYTES >> 20, MEMBW_MIN_MIB, MEMBW_MAX_MIB);
            return 0;
        }
        if (strcmp(argv[a], "--bandwidth") == 0) {
            bandwidth = 1;
        } else if (strcmp(argv[a], "--bandwidth-mib") == 0) {
            char *end = NULL;
            if (a + 1 >= argc)
                return usage_error("info: --bandwidth-mib needs a size in MiB");
            errno = 0;
            mib   = strtoul(argv[++a], &end, 10);
            if (errno != 0 || end == argv[a] || *end != '\0' || argv[a][0] == '-' ||
                mib < MEMBW_MIN_MIB || mib > MEMBW_MAX_MIB)
                return usage_error("info: --bandwidth-mib takes %u..%u (MiB), not '%s'",
                                   MEMBW_MIN_MIB, MEMBW_MAX_MIB, argv[a]);
            bandwidth = 1;
        } else {
            return usage_error("info: unexpected argument '%s' (try --help)", argv[a]);
        }
    }
    cJSON *j = cJSON_CreateObject();
    machine_json(j);
    sysinfo_system_json(cJSON_AddObjectToObject(j, "system"));
    if (bandwidth) {
        struct membw bw;
        int          rc = membw_measure((unsigned)sysinfo_cores(), (size_t)mib << 20, &bw);
        if (rc != 0) {
            cJSON_Delete(j);
            return usage_error("info --bandwidth: %s", strerror(-rc));
        }
        cJSON *b = cJSON_AddObjectToObject(j, "bandwidth");
        cJSON_AddNumberToObject(b, "bytes", (double)bw.bytes);
        cJSON_AddNumberToObject(b, "best_of", bw.reps);
        for (unsigned t = 1; t <= bw.max_threads; t++) {
            char key[32];
            snprintf(key, sizeof(key), "threads_%u_gbps", t);
            cJSON_AddNumberToObject(b, key, bw.gbps[t]);
        }
    }
    char *s = cJSON_Print(j);
    if (s != NULL)
        puts(s);
    free(s);
    cJSON_Delete(j);
    return 0;
}

/* ---- the check of the tables ----------------------------------------- */

static int check_table(const char *who, const struct opt *table, size_t size)
{
    char  err[256];
    void *opts = calloc(1, size ? size : 1);
    int   rc   = opts ? opt_defaults(table, opts, err, sizeof(err)) : -1;
    free(opts);
    if (rc != 0)
        fprintf(stderr, "concbench: %s: %s\n", who, opts ? err : "out of memory");
    for (const struct opt *o = table; o && o->name; o++) {
        if (opt_find(o + 1, o->name) != NULL) {
            fprintf(stderr, "concbench: %s declares --%s twice\n", who, o->name);
            rc = -1;
        }
        if (o->offset >= size && size > 0) {
            fprintf(stderr, "concbench: %s: --%s lies outside its options struct\n", who, o->name);
            rc = -1;
        }
    }
    return rc;
}

static int check_strategies(void)
{
    size_t                       n;
    const struct strategy_entry *e  = strategy_entries(&n);
    int                          rc = 0;
    for (size_t k = 0; k < n; k++) {
        const struct strategy *s = e[k].strategy;
        for (size_t j = k + 1; j < n; j++)
            if (strcmp(s->name, e[j].strategy->name) == 0) {
                fprintf(stderr, "concbench: two strategies are called '%s' (%s and %s)\n", s->name,
                        e[k].file, e[j].file);
                rc = -1;
            }
        if (s->run == NULL || s->summary == NULL || s->limits == NULL) {
            fprintf(stderr, "concbench: strategy %s (%s) lacks run, summary or limits\n", s->name,
                    e[k].file);
            rc = -1;
        }
        if (check_table(s->name, s->options, s->opts_size) != 0)
            rc = -1;
    }
    return rc;
}

/* Every option name of every plug-in against run's own and the other
 * kind's: the parser must never have to guess whose an option is. */
static int check_clashes(void)
{
    size_t                        ns, nw;
    const struct strategy *const *ss = strategy_list(&ns);
    const struct workload *const *ws = workload_list(&nw);
    int                           rc = 0;
    for (size_t k = 0; k < nw + ns; k++) {
        const char       *who   = k < nw ? ws[k]->name : ss[k - nw]->name;
        const struct opt *table = k < nw ? ws[k]->options : ss[k - nw]->options;
        for (const struct opt *o = table; o && o->name; o++) {
            const char *clash = opt_find(run_option_table(), o->name) ? "run" : NULL;
            for (size_t j = 0; k < nw && clash == NULL && j < ns; j++)
                if (opt_find(ss[j]->options, o->name))
                    clash = ss[j]->name;
            if (clash != NULL) {
                fprintf(stderr, "concbench: --%s of %s is also an option of %s\n", o->name, who,
                        clash);
                rc = -1;
            }
        }
    }
    return rc;
}

int registry_check(void)
{
    size_t                       n;
    const struct workload_entry *e  = workload_entries(&n);
    int                          rc = check_strategies() | check_clashes();
    for (size_t k = 0; k < n; k++) {
        const struct workload *w = e[k].workload;
        for (size_t j = k + 1; j < n; j++)
            if (strcmp(w->name, e[j].workload->name) == 0) {
                fprintf(stderr, "concbench: two workloads are called '%s' (%s and %s)\n", w->name,
                        e[k].file, e[j].file);
                rc = -1;
            }
        if (w->setup == NULL || w->report == NULL || w->teardown == NULL ||
            workload_err_count(w) > TASK_KINDS_MAX) {
            fprintf(stderr,
                    "concbench: workload %s (%s) lacks a hook or has too many error "
                    "kinds\n",
                    w->name, e[k].file);
            rc = -1;
        }
        if (check_table(w->name, w->options, w->opts_size) != 0)
            rc = -1;
    }
    return rc;
}
