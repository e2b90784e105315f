/*
 * workload.c: the workload table and the merging every workload shares.
 */
#include "workload.h"

#include "exec.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const struct workload *const workloads[] = {
    &workload_io,
    &workload_cpu,
    &workload_mixed,
    NULL,
};

const struct workload *workload_find(const char *name)
{
    for (size_t i = 0; workloads[i] != NULL; i++)
        if (strcmp(workloads[i]->name, name) == 0)
            return workloads[i];
    return NULL;
}

int workload_worker_init(const struct workload *wl, void *ctx, void **w)
{
    *w = NULL;
    return wl->worker_init ? wl->worker_init(ctx, w) : 0;
}

void workload_worker_fini(const struct workload *wl, void *ctx, void *w)
{
    if (wl->worker_fini)
        wl->worker_fini(ctx, w);
}

int workload_run_inline(const struct workload *wl, void *ctx, struct task_result *results,
                        char *err, size_t errsz)
{
    void *w;
    int rc = workload_worker_init(wl, ctx, &w);
    if (rc != 0) {
        errf(err, errsz, "unable to set up the worker: %s", strerror(-rc));
        return rc;
    }
    size_t n = wl->count(ctx);
    for (size_t i = 0; i < n && !exec_stopping(); i++)
        wl->run(ctx, w, i, &results[i]);
    workload_worker_fini(wl, ctx, w);
    return 0;
}

void workload_tally(const struct task_result *r, size_t n, struct run_report *rep)
{
    memset(rep, 0, sizeof(*rep));
    rep->tasks = n;
    for (size_t i = 0; i < n; i++) {
        if (r[i].attempts > 1)
            rep->retries += (size_t)r[i].attempts - 1;
        if (r[i].done && r[i].err == FETCH_OK) {
            rep->ok++;
            rep->bytes += r[i].bytes;
        } else {
            rep->failed++;
            /* A task that never ran was cut off by a stop request, or
             * its worker died. */
            int e = r[i].done ? r[i].err : exec_stopping() ? FETCH_ERR_INTERRUPTED : FETCH_ERR_OTHER;
            rep->errors[(e > 0 && e < FETCH_ERR__COUNT) ? e : FETCH_ERR_OTHER]++;
        }
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n). */
static uint64_t percentile(const uint64_t *v, size_t n, double p)
{
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1];
}

void workload_latency_json(const struct task_result *r, size_t n, cJSON *json)
{
    uint64_t *v = malloc((n ? n : 1) * sizeof(*v));
    size_t m = 0;
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        if (r[i].done)
            v[m++] = r[i].latency_ns;
    cJSON *lat = cJSON_AddObjectToObject(json, "latency_ms");
    if (m > 0 && lat != NULL) {
        qsort(v, m, sizeof(*v), cmp_u64);
        cJSON_AddNumberToObject(lat, "p50", (double)percentile(v, m, 50) / 1e6);
        cJSON_AddNumberToObject(lat, "p95", (double)percentile(v, m, 95) / 1e6);
        cJSON_AddNumberToObject(lat, "p99", (double)percentile(v, m, 99) / 1e6);
        cJSON_AddNumberToObject(lat, "max", (double)v[m - 1] / 1e6);
    }
    free(v);
}
