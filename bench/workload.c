/*
 * workload.c: what workload.h declares besides the workloads: the
 * registry, read from the linker section WORKLOAD() fills, the names of
 * task error kinds, and the latency summary every workload may report.
 */
#include "workload.h"

#include "registry.h"

#include <stdlib.h>
#include <string.h>

const char *const workload_cap_names[] = {"fetches", "cpu", "io", NULL};

REGISTRY_SECTION(cb_workloads);
static struct registry workloads = REGISTRY_INIT(cb_workloads, struct workload);

const struct registry_entry *workload_entries(size_t *n)
{
    return registry_entries(&workloads, n);
}

const struct workload *const *workload_list(size_t *n)
{
    return (const struct workload *const *)registry_list(&workloads, n);
}

const struct workload *workload_find(const char *name)
{
    return registry_find(&workloads, name);
}

uint32_t workload_err_count(const struct workload *wl)
{
    size_t k = 0;
    while (wl->error_kinds != NULL && wl->error_kinds[k] != NULL)
        k++;
    return TASK_KIND_FIRST + (uint32_t)k;
}

const char *workload_err_name(const struct workload *wl, uint32_t err)
{
    if (err == TASK_OK)
        return "ok";
    if (err == TASK_INTERRUPTED)
        return "interrupted";
    if (err == TASK_LOST)
        return "lost";
    if (err < workload_err_count(wl))
        return wl->error_kinds[err - TASK_KIND_FIRST];
    return "lost"; /* a kind the workload never declared: a bug, counted somewhere */
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

void workload_latency_json(const struct task_result *r, size_t n, cJSON *fields)
{
    uint64_t *v = malloc((n ? n : 1) * sizeof(*v));
    size_t    m = 0;
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        if (r[i].done && r[i].end_ns >= r[i].start_ns && r[i].start_ns != 0)
            v[m++] = r[i].end_ns - r[i].start_ns;
    cJSON *lat = cJSON_AddObjectToObject(fields, "latency_ms");
    if (m > 0 && lat != NULL) {
        qsort(v, m, sizeof(*v), cmp_u64);
        cJSON_AddNumberToObject(lat, "p50", (double)percentile(v, m, 50) / 1e6);
        cJSON_AddNumberToObject(lat, "p95", (double)percentile(v, m, 95) / 1e6);
        cJSON_AddNumberToObject(lat, "p99", (double)percentile(v, m, 99) / 1e6);
        cJSON_AddNumberToObject(lat, "max", (double)v[m - 1] / 1e6);
    }
    /* The phases of the transfers, as libcurl timed them: the median of
     * those that had each (a reused connection looks nothing up). */
    static const char *const names[3] = {"name_lookup", "connect", "first_byte"};
    cJSON                   *ph       = NULL;
    for (int k = 0; k < 3; k++) {
        m = 0;
        for (size_t i = 0; i < n; i++)
            if (r[i].done && r[i].phase_us[k] > 0)
                v[m++] = r[i].phase_us[k];
        if (m == 0)
            continue;
        if (ph == NULL && (ph = cJSON_AddObjectToObject(fields, "phases_ms")) == NULL)
            break;
        qsort(v, m, sizeof(*v), cmp_u64);
        cJSON_AddNumberToObject(ph, names[k], (double)percentile(v, m, 50) / 1e3);
    }
    free(v);
}
