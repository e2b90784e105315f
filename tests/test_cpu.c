/*
 * test_cpu.c: the cpu workload computes what it claims. Each kernel's sum,
 * run through the workload's own hooks, must equal both the closed form the
 * workload reports as "expected" and a naive loop written here.
 */
#include "check.h"
#include "lcg.h"
#include "workload.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static uint64_t naive(const char *kernel, uint64_t n, uint64_t work)
{
    uint64_t s = 0;
    for (uint64_t i = 1; i <= n; i++) {
        uint64_t x = i;
        if (strcmp(kernel, "heavy") == 0)
            for (uint64_t k = 0; k < work; k++)
                x = x * 6364136223846793005u + 1442695040888963407u;
        s += x;
    }
    return s;
}

/* Set up the cpu workload with o, run every task in order, report into
 * *rep and a new JSON object. The caller frees *r, the JSON and ctx. */
static cJSON *run_all(const struct wl_options *o, void **ctx, struct task_result **r,
                      size_t *tasks, struct run_report *rep)
{
    char err[256];
    CHECK(workload_cpu.setup(o, ctx, err, sizeof(err)) == 0);
    *tasks = workload_cpu.count(*ctx);
    *r = calloc(*tasks, sizeof(**r));
    for (size_t i = 0; i < *tasks; i++)
        workload_cpu.run(*ctx, NULL, i, &(*r)[i]);
    cJSON *j = cJSON_CreateObject();
    workload_tally(*r, *tasks, rep);
    workload_cpu.report(*ctx, *r, *tasks, rep, j);
    return j;
}

static void run_case(const char *kernel, uint64_t n, uint64_t chunk, uint64_t work)
{
    struct wl_options o = {.kernel = kernel, .n = n, .chunk = chunk, .work = work};
    void *ctx;
    struct task_result *r;
    size_t tasks;
    struct run_report rep;
    cJSON *j = run_all(&o, &ctx, &r, &tasks, &rep);
    CHECK(tasks == (n + chunk - 1) / chunk);
    char want[24];
    snprintf(want, sizeof(want), "%llu", (unsigned long long)naive(kernel, n, work));
    const cJSON *sum = cJSON_GetObjectItem(j, "sum"), *exp = cJSON_GetObjectItem(j, "expected");
    CHECK(rep.verified);
    CHECK(rep.ok == tasks && rep.failed == 0);
    CHECK(cJSON_IsString(sum) && strcmp(sum->valuestring, want) == 0);
    CHECK(cJSON_IsString(exp) && strcmp(exp->valuestring, want) == 0);

    /* A lost chunk must fail verification, not pass silently. */
    r[tasks / 2].value += 1;
    workload_tally(r, tasks, &rep);
    cJSON *j2 = cJSON_CreateObject();
    workload_cpu.report(ctx, r, tasks, &rep, j2);
    CHECK(!rep.verified);

    cJSON_Delete(j2);
    cJSON_Delete(j);
    free(r);
    workload_cpu.teardown(ctx);
}

/* The closed forms in lcg.h agree with doing the rounds, and invert them. */
static void test_lcg(void)
{
    uint64_t x = 0x0123456789abcdefu;
    for (uint64_t k = 0; k < 300; k += 37) {
        uint64_t ak, ck, y = lcg_rounds(x, k);
        lcg_jump(k, &ak, &ck);
        CHECK(ak * x + ck == y);
        CHECK(lcg_inverse(ak) * ak == 1);
        CHECK(lcg_inverse(ak) * (y - ck) == x);
        x = y ^ (x >> 7);
    }
}

static void test_sync_modes(void)
{
    const char *modes[] = {"local", "atomic", "mutex", "none"};
    for (int m = 0; m < 4; m++) {
        /* One thread: every mode must be exact, including the race. */
        struct wl_options o = {.kernel = "heavy", .n = 10000, .chunk = 999, .work = 3,
                               .sync = modes[m]};
        void *ctx;
        struct task_result *r;
        size_t tasks;
        struct run_report rep;
        cJSON *j = run_all(&o, &ctx, &r, &tasks, &rep);
        CHECK(rep.verified);
        CHECK(strcmp(cJSON_GetObjectItem(j, "sync")->valuestring, modes[m]) == 0);
        cJSON_Delete(j);
        free(r);
        workload_cpu.teardown(ctx);
    }
}

int main(void)
{
    test_lcg();
    test_sync_modes();
    run_case("sum", 1000, 64, 0);
    run_case("sum", 1, 1, 0);
    run_case("sum", 100003, 1000, 0); /* last chunk short */
    run_case("heavy", 5000, 300, 1);
    run_case("heavy", 5000, 300, 37);
    run_case("heavy", 4096, 4096, 1000);

    void *ctx;
    char err[256] = "";
    struct wl_options bad = {.kernel = "nope"};
    CHECK(workload_cpu.setup(&bad, &ctx, err, sizeof(err)) != 0 && strstr(err, "kernel") != NULL);
    return check_done("test_cpu");
}
