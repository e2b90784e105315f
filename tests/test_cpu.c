/*
 * test_cpu.c: the cpu workload computes what it claims. Each kernel's sum,
 * run through the workload's own hooks (found in the registry, options
 * parsed from its table as the command line would), must equal both the
 * closed form the workload reports as "expected" and a naive loop written
 * here; a corrupted chunk must fail verification.
 */
#include "check.h"
#include "lcg.h"
#include "workload.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t naive(const char *kernel, uint64_t n, uint64_t work)
{
    uint64_t s = 0;
    for (uint64_t i = 0; i < n; i++) { /* the course's range(n) */
        uint64_t x = i;
        if (strcmp(kernel, "heavy") == 0)
            for (uint64_t k = 0; k < work; k++)
                x = x * 6364136223846793005u + 1442695040888963407u;
        s += x;
    }
    return s;
}

/* The cpu workload's options from "name", "value" pairs. NULL on error. */
static void *cpu_opts(const char *const *args, char *err, size_t errsz)
{
    const struct workload *wl = workload_find("cpu");
    void                  *o  = calloc(1, wl->opts_size);
    if (o == NULL || opt_defaults(wl->options, o, err, errsz) != 0)
        return free(o), NULL;
    for (size_t k = 0; args[k] != NULL; k += 2) {
        const struct opt *d = opt_find(wl->options, args[k]);
        if (d == NULL || opt_parse(d, args[k + 1], o, err, errsz) != 0)
            return free(o), NULL;
    }
    return o;
}

struct outcome {
    struct tasks        tasks;
    struct task_result *r;
    struct run_report   rep;
    cJSON              *fields;
};

static void tally(const struct outcome *o, struct run_report *rep)
{
    memset(rep, 0, sizeof(*rep));
    rep->tasks = o->tasks.n;
    for (size_t i = 0; i < o->tasks.n; i++)
        if (o->r[i].done && o->r[i].err == TASK_OK)
            rep->ok++;
        else
            rep->failed++;
}

/* Set up with args, run every task in order on this thread, report. */
static int run_all(const char *const *args, unsigned workers, struct outcome *out)
{
    const struct workload *wl = workload_find("cpu");
    char                   err[256];
    void                  *o = cpu_opts(args, err, sizeof(err));
    memset(out, 0, sizeof(*out));
    CHECK(o != NULL);
    if (o == NULL || wl->setup(o, &out->tasks, err, sizeof(err)) != 0)
        return free(o), -1;
    free(o);
    out->r = calloc(out->tasks.n, sizeof(*out->r));
    for (size_t i = 0; i < out->tasks.n; i++)
        out->tasks.ops->run(out->tasks.ctx, NULL, i, &out->r[i]);
    struct run_info ri = {"test", CAP_PARALLEL | CAP_SHARED_MEMORY, workers};
    out->fields        = cJSON_CreateObject();
    tally(out, &out->rep);
    wl->report(&out->tasks, out->r, &ri, &out->rep, out->fields);
    return 0;
}

static void done(struct outcome *out)
{
    cJSON_Delete(out->fields);
    free(out->r);
    workload_find("cpu")->teardown(&out->tasks);
}

/* Report again after a result was tampered with: it must be caught. */
static void check_caught(struct outcome *o)
{
    struct run_info ri = {"test", CAP_PARALLEL, 1};
    cJSON          *j2 = cJSON_CreateObject();
    tally(o, &o->rep);
    workload_find("cpu")->report(&o->tasks, o->r, &ri, &o->rep, j2);
    CHECK(!o->rep.verified && o->rep.wrong);
    cJSON_Delete(j2);
}

static void run_case(const char *kernel, uint64_t n, uint64_t chunk, uint64_t work)
{
    char ns[24], cs[24], ws[24];
    snprintf(ns, sizeof(ns), "%llu", (unsigned long long)n);
    snprintf(cs, sizeof(cs), "%llu", (unsigned long long)chunk);
    snprintf(ws, sizeof(ws), "%llu", (unsigned long long)(work ? work : 1));
    const char    *args[] = {"kernel", kernel, "n", ns, "chunk", cs, "work", ws, NULL};
    struct outcome o;
    if (run_all(args, 1, &o) != 0)
        return;
    CHECK(o.tasks.n == (n + chunk - 1) / chunk);
    char want[24];
    snprintf(want, sizeof(want), "%llu", (unsigned long long)naive(kernel, n, work ? work : 1));
    const cJSON *sum = cJSON_GetObjectItem(o.fields, "sum");
    const cJSON *exp = cJSON_GetObjectItem(o.fields, "expected");
    CHECK(o.rep.verified && !o.rep.wrong && !o.rep.expected_fail);
    CHECK(o.rep.ok == o.tasks.n && o.rep.failed == 0);
    CHECK(cJSON_IsString(sum) && strcmp(sum->valuestring, want) == 0);
    CHECK(cJSON_IsString(exp) && strcmp(exp->valuestring, want) == 0);

    /* A corrupted chunk must fail verification, not pass silently. */
    o.r[o.tasks.n / 2].value += 1;
    check_caught(&o);
    done(&o);
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
        const char    *args[] = {"kernel", "heavy", "n",    "10000",  "chunk", "999",
                                 "work",   "3",     "sync", modes[m], NULL};
        struct outcome o;
        if (run_all(args, 1, &o) != 0)
            continue;
        CHECK(o.rep.verified);
        CHECK(!o.rep.expected_fail); /* one worker: no race to expect */
        done(&o);
        /* The runner would call the race at 2 parallel workers expected. */
        if (run_all(args, 2, &o) == 0) {
            CHECK(o.rep.expected_fail == (m == 3));
            done(&o);
        }
    }
}

/* --passes P: P times the tasks, each chunk P times, P times the answer,
 * checked against P naive sums; a sum that drops one pass is wrong. */
static void test_passes(void)
{
    for (int k = 0; k < 2; k++) {
        const char    *kernel = k ? "heavy" : "sum";
        const char    *args[] = {"kernel", kernel, "n",      "10007", "chunk", "1000",
                                 "work",   "7",    "passes", "3",     NULL};
        struct outcome o;
        if (run_all(args, 1, &o) != 0)
            continue;
        CHECK(o.tasks.n == 3 * 11);
        char want[24];
        snprintf(want, sizeof(want), "%llu", (unsigned long long)(3 * naive(kernel, 10007, 7)));
        const cJSON *sum = cJSON_GetObjectItem(o.fields, "sum");
        CHECK(o.rep.verified && cJSON_IsString(sum) && strcmp(sum->valuestring, want) == 0);
        o.r[0].value = 0; /* one chunk of one pass lost */
        check_caught(&o);
        done(&o);
    }
}

/* The course's own case, its own figure: sum(range(10**6)) in chunks of
 * 100 is 499999500000 (notebook 3), written here as the course printed it. */
static void test_course(void)
{
    const char    *args[] = {"kernel", "sum", "n", "1000000", "chunk", "100", NULL};
    struct outcome o;
    if (run_all(args, 1, &o) != 0)
        return;
    const cJSON *sum = cJSON_GetObjectItem(o.fields, "sum");
    const cJSON *exp = cJSON_GetObjectItem(o.fields, "expected");
    CHECK(o.tasks.n == 10000 && o.rep.verified);
    CHECK(cJSON_IsString(sum) && strcmp(sum->valuestring, "499999500000") == 0);
    CHECK(cJSON_IsString(exp) && strcmp(exp->valuestring, "499999500000") == 0);
    done(&o);
}

static void test_needs(void)
{
    const struct workload *wl = workload_find("cpu");
    char                   err[128], buf[64];
    unsigned               caps;
    const char            *none[] = {"sync", "none", NULL}, *local[] = {"sync", "local", NULL};
    void                  *o = cpu_opts(none, err, sizeof(err));
    CHECK(o != NULL && wl->needs(o, &caps, buf, sizeof(buf)) != NULL && caps == CAP_SHARED_MEMORY &&
          strcmp(buf, "--sync none") == 0);
    free(o);
    o = cpu_opts(local, err, sizeof(err));
    CHECK(o != NULL && (wl->needs(o, &caps, buf, sizeof(buf)), caps == 0));
    free(o);
}

int main(void)
{
    CHECK(workload_find("cpu") != NULL);
    if (workload_find("cpu") == NULL)
        return check_done("test_cpu");
    test_lcg();
    test_sync_modes();
    test_passes();
    test_needs();
    test_course();
    run_case("sum", 1000, 64, 0);
    run_case("sum", 1, 1, 0);
    run_case("sum", 100003, 1000, 0); /* last chunk short */
    run_case("heavy", 5000, 300, 1);
    run_case("heavy", 5000, 300, 37);
    run_case("heavy", 4096, 4096, 1000);

    char        err[256] = "";
    const char *bad[]    = {"kernel", "nope", NULL};
    CHECK(cpu_opts(bad, err, sizeof(err)) == NULL && strstr(err, "--kernel") != NULL);
    return check_done("test_cpu");
}
