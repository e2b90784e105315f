/*
 * pss.c: the PSS sampler (pss.h).
 */
#include "pss.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct pss_sampler {
    pthread_t        thread;
    pthread_mutex_t  lock;
    pthread_cond_t   wake;
    int              stop;
    unsigned         interval_ms;
    _Atomic uint64_t peak_kb;
};

uint64_t pss_of(int pid)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return 0;
    unsigned long long kb = 0;
    while (fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "Pss: %llu kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* Whether this process has a child, running or not: waitid says ECHILD
 * when it has none, and with WNOHANG | WNOWAIT it neither blocks nor reaps. */
static int have_children(void)
{
    siginfo_t si;
    return waitid(P_ALL, 0, &si, WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT) == 0 ||
           errno != ECHILD;
}

/* PSS of pid and, through /proc/PID/task/TID/children, of every process
 * below it. depth bounds the walk (0: pid alone). */
static uint64_t pss_tree(int pid, int depth)
{
    uint64_t sum = pss_of(pid);
    char     path[64];
    snprintf(path, sizeof(path), "/proc/%d/task", pid);
    DIR *d = depth > 0 ? opendir(path) : NULL;
    if (d == NULL)
        return sum;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char cpath[300];
        snprintf(cpath, sizeof(cpath), "/proc/%d/task/%s/children", pid, e->d_name);
        FILE *f = fopen(cpath, "re");
        if (f == NULL)
            continue;
        int child;
        while (fscanf(f, "%d", &child) == 1)
            sum += pss_tree(child, depth - 1);
        fclose(f);
    }
    closedir(d);
    return sum;
}

static void sample(struct pss_sampler *s)
{
    /* The walk reads one file per thread (a millisecond for 50 threads
     * here): this process is walked only when it has a child. */
    uint64_t now = pss_tree((int)getpid(), have_children() ? 4 : 0);
    uint64_t old = atomic_load(&s->peak_kb);
    while (now > old && !atomic_compare_exchange_weak(&s->peak_kb, &old, now))
        ;
}

/* A sample's cost grows with the process (smaps_rollup walks its page
 * tables; the children walk reads a file per thread): the wait after one
 * is at least this many times the CPU it took, so the sampler never
 * takes more than ~2 % of a core from the run it measures. */
#define PSS_MAX_SHARE 50

static void *sampler_main(void *arg)
{
    struct pss_sampler *s = arg;
    pthread_mutex_lock(&s->lock);
    while (!s->stop) {
        pthread_mutex_unlock(&s->lock);
        struct timespec t0, t1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        sample(s);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
        long took_ns = (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec);
        long wait_ns = (long)s->interval_ms * 1000000L;
        if (wait_ns < took_ns * PSS_MAX_SHARE)
            wait_ns = took_ns * PSS_MAX_SHARE;
        pthread_mutex_lock(&s->lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += wait_ns / 1000000000L;
        until.tv_nsec += wait_ns % 1000000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        while (!s->stop && pthread_cond_timedwait(&s->wake, &s->lock, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

struct pss_sampler *pss_start(unsigned interval_ms)
{
    if (pss_of((int)getpid()) == 0)
        return NULL; /* no smaps_rollup here */
    struct pss_sampler *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    s->interval_ms = interval_ms ? interval_ms : 10;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->wake, NULL);
    if (pthread_create(&s->thread, NULL, sampler_main, s) != 0) {
        pthread_cond_destroy(&s->wake);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return NULL;
    }
    return s;
}

uint64_t pss_stop(struct pss_sampler *s)
{
    if (s == NULL)
        return 0;
    pthread_mutex_lock(&s->lock);
    s->stop = 1;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    sample(s);
    uint64_t kb = atomic_load(&s->peak_kb);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->lock);
    free(s);
    return kb;
}
