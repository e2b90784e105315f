/*
 * list.c: `concbench list`: the plug-in tables, for people and for
 * scripts.
 *
 * `list --json` is the only registry the scripts, charts and tests read:
 * every strategy and workload with its options, capabilities, display
 * order and colour, and for workloads how make bench runs them.
 */
#include "cli.h"

#include "cmdline.h"
#include "strategy.h"
#include "sysinfo.h"
#include "workload.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    add_str(j, "course", s->course);
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
