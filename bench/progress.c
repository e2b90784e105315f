/*
 * progress.c: the live progress line (progress.h).
 */
#include "progress.h"

#include "clock.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define REDRAW_NS 100000000u /* at most 10 redraws a second */

/* In a MAP_SHARED page: forked workers count here too. */
struct counters {
    atomic_size_t done, failed;
};

struct progress {
    const struct task_ops *ops; /* the workload's own */
    void                  *ctx;
    struct task_ops        wrap;
    struct counters       *c;
    size_t                 total;
    FILE                  *f;
    const char            *what;
    uint64_t               t0;
    pthread_t              thread;
    int                    started; /* the drawing thread runs (progress_show) */
    pthread_mutex_t        mu;
    pthread_cond_t         cond;
    int                    stop;
    int                    drawn;
};

static void counted(struct progress *p, const struct task_result *r)
{
    if (!r->done)
        return;
    atomic_fetch_add_explicit(&p->c->done, 1, memory_order_relaxed);
    if (r->err != TASK_OK)
        atomic_fetch_add_explicit(&p->c->failed, 1, memory_order_relaxed);
}

/* The interposed operations: forward, then count what ended. */
static int w_worker_init(void *ctx, void **w)
{
    struct progress *p = ctx;
    return p->ops->worker_init(p->ctx, w);
}
static void w_worker_fini(void *ctx, void *w)
{
    struct progress *p = ctx;
    p->ops->worker_fini(p->ctx, w);
}
static void w_run(void *ctx, void *w, size_t i, struct task_result *r)
{
    struct progress *p = ctx;
    p->ops->run(p->ctx, w, i, r);
    counted(p, r);
}
static void *w_async_open(void *ctx, struct async_loop *loop)
{
    struct progress *p = ctx;
    return p->ops->async_open(p->ctx, loop);
}
static unsigned w_async_finish(void *ctx, void *w, size_t i, struct task_result *r)
{
    struct progress *p     = ctx;
    unsigned         retry = p->ops->async_finish(p->ctx, w, i, r);
    if (retry == 0)
        counted(p, r);
    return retry;
}
static void *w_take_job(void *ctx, void *w, size_t i)
{
    struct progress *p = ctx;
    return p->ops->take_job(p->ctx, w, i);
}
static void w_run_job(void *ctx, void *job, struct task_result *r)
{
    struct progress *p = ctx;
    p->ops->run_job(p->ctx, job, r);
    counted(p, r);
}
static void w_drop_job(void *ctx, void *job)
{
    struct progress *p = ctx;
    p->ops->drop_job(p->ctx, job);
}

static void fmt_time(char *buf, size_t sz, double s)
{
    if (s < 100)
        snprintf(buf, sz, "%.1f s", s);
    else
        snprintf(buf, sz, "%d min %02d s", (int)(s / 60), (int)s % 60);
}

static void draw(struct progress *p)
{
    size_t done    = atomic_load_explicit(&p->c->done, memory_order_relaxed);
    size_t failed  = atomic_load_explicit(&p->c->failed, memory_order_relaxed);
    double secs    = (double)(clock_ns() - p->t0) / 1e9;
    double rate    = secs > 0 ? (double)done / secs : 0;
    char   eta[32] = "?";
    if (done > 0 && done <= p->total)
        fmt_time(eta, sizeof(eta), (double)(p->total - done) / rate);
    char failures[48] = "";
    if (failed > 0)
        snprintf(failures, sizeof(failures), ", %zu failed", failed);
    fprintf(p->f, "\r\033[K%s: %zu/%zu tasks (%.0f %%)%s, %.0f/s, ETA %s", p->what, done, p->total,
            p->total ? 100.0 * (double)done / (double)p->total : 100.0, failures, rate, eta);
    fflush(p->f);
    p->drawn = 1;
}

static void *drawer(void *arg)
{
    struct progress *p = arg;
    pthread_mutex_lock(&p->mu);
    while (!p->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += REDRAW_NS;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&p->cond, &p->mu, &ts);
        if (!p->stop)
            draw(p);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

struct progress *progress_start(struct tasks *t, FILE *f, const char *what)
{
    struct progress *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return NULL;
    p->c = mmap(NULL, sizeof(*p->c), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p->c == MAP_FAILED) {
        free(p);
        return NULL;
    }
    atomic_init(&p->c->done, 0);
    atomic_init(&p->c->failed, 0);
    p->ops   = t->ops;
    p->ctx   = t->ctx;
    p->total = t->n;
    p->f     = f;
    p->what  = what;
    p->t0    = clock_ns();
    /* Forward what the workload has; leave out what it lacks, so a
     * strategy sees the same optional operations as before. */
    p->wrap              = *t->ops;
    p->wrap.worker_init  = t->ops->worker_init ? w_worker_init : NULL;
    p->wrap.worker_fini  = t->ops->worker_fini ? w_worker_fini : NULL;
    p->wrap.run          = t->ops->run ? w_run : NULL;
    p->wrap.async_open   = t->ops->async_open ? w_async_open : NULL;
    p->wrap.async_finish = t->ops->async_finish ? w_async_finish : NULL;
    p->wrap.take_job     = t->ops->take_job ? w_take_job : NULL;
    p->wrap.run_job      = t->ops->run_job ? w_run_job : NULL;
    p->wrap.drop_job     = t->ops->drop_job ? w_drop_job : NULL;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cond, &ca);
    pthread_condattr_destroy(&ca);
    t->ops = &p->wrap;
    t->ctx = p;
    return p;
}

int progress_show(struct progress *p)
{
    if (p == NULL || p->started)
        return 0;
    if (pthread_create(&p->thread, NULL, drawer, p) != 0)
        return -EAGAIN; /* counted, not drawn: the run goes on */
    p->started = 1;
    return 0;
}

void progress_stop(struct progress *p, struct tasks *t)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->mu);
    if (p->started)
        pthread_join(p->thread, NULL);
    if (p->drawn) {
        fputs("\r\033[K", p->f);
        fflush(p->f);
    }
    t->ops = p->ops;
    t->ctx = p->ctx;
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->mu);
    munmap(p->c, sizeof(*p->c));
    free(p);
}
