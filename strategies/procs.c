/*
 * procs.c: a pool of forked worker processes, fed through pipes, like
 * Python's multiprocessing.Pool.
 *
 * Two pipes connect the parent and its --workers children:
 *
 *     parent --(task pipe: task indices)--> child, child, child ...
 *     parent <--(result pipe: index + result)-- child, child, child ...
 *
 * Every child reads from the same task pipe, so whichever child is free
 * takes the next task (dynamic balancing). Both message kinds are smaller
 * than PIPE_BUF, so each write is atomic and each read of one message's
 * size returns exactly one message, whichever child wrote it.
 *
 * The parent keeps up to WINDOW tasks in the task pipe (well under the
 * pipe's 64 KiB), refilling as results arrive, reads results in batches,
 * and closes the task pipe when every task is handed out; children exit on
 * end-of-file. A child holds one task at a time, so a deep pipe costs no
 * balance, and it spares the parent a wake-up per task. If a child dies, the tasks it held never come back:
 * the parent reads end-of-file on the result pipe once every child has
 * exited and reports those tasks failed. Every child is reaped.
 *
 * A stop request (SIGINT, SIGTERM) interrupts the parent's wait; it passes
 * SIGTERM on to every child, stops handing out tasks, and collects what
 * the children still send. A child stops after its current task (a
 * transfer in progress is aborted by libcurl's progress callback).
 *
 * The children are forked before any of them creates a curl handle: each
 * builds its own state after fork and never touches the parent's. CPU time
 * and peak RSS of the reaped children are included in the run's usage.
 */
#include "strategy.h"

#include "exec.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define WINDOW 4096 /* tasks in flight: 32 KiB of indices */
#define BATCH  64   /* results per read */

struct result_msg {
    uint64_t           task;
    struct task_result result;
};

_Static_assert(sizeof(struct result_msg) <= PIPE_BUF, "result messages must be atomic");

/* Read between one and max messages of size len (a pipe holds whole
 * messages only: each was written atomically). Returns the number read, 0
 * at end-of-file, -errno on error. */
static ssize_t read_msgs(int fd, void *buf, size_t len, size_t max)
{
    size_t got = 0;
    do {
        ssize_t r = read(fd, (char *)buf + got, len * max - got);
        if (r == 0)
            return got == 0 ? 0 : -EPROTO;
        if (r < 0) {
            if (errno == EINTR && !(got == 0 && exec_stopping()))
                continue;
            return -errno; /* -EINTR: a stop request, nothing half read */
        }
        got += (size_t)r;
    } while (got % len != 0);
    return (ssize_t)(got / len);
}

static int write_msg(int fd, const void *buf, size_t len)
{
    for (;;) {
        ssize_t w = write(fd, buf, len);
        if (w == (ssize_t)len)
            return 0;
        if (w < 0 && errno == EINTR)
            continue;
        return w < 0 ? -errno : -EPROTO; /* atomic writes are all or nothing */
    }
}

/* The child: take tasks until the task pipe is closed, report each. */
static void child_main(const struct workload *wl, void *ctx, int task_fd, int result_fd)
{
    void *w;
    uint64_t task;
    int ready = workload_worker_init(wl, ctx, &w) == 0;
    while (!exec_stopping() && read_msgs(task_fd, &task, sizeof(task), 1) == 1) {
        struct result_msg m = {.task = task};
        if (ready)
            wl->run(ctx, w, (size_t)task, &m.result);
        else
            m.result = (struct task_result){.done = 1, .err = FETCH_ERR_OTHER};
        if (write_msg(result_fd, &m, sizeof(m)) != 0)
            break; /* the parent is gone */
    }
    if (ready)
        workload_worker_fini(wl, ctx, w);
}

static int procs_run(const struct workload *wl, void *ctx, const struct strategy_opts *o,
                     struct task_result *results, char *err, size_t errsz)
{
    int task_pipe[2] = {-1, -1}, result_pipe[2] = {-1, -1};
    size_t n = wl->count(ctx), dispatched = 0, received = 0;
    struct result_msg batch[BATCH];
    unsigned forked = 0, lost = 0;
    int rc = 0, stopped = 0;
    pid_t *pids = calloc(o->workers, sizeof(*pids));

    if (pids == NULL)
        return errf(err, errsz, "out of memory"), -ENOMEM;
    if (pipe2(task_pipe, O_CLOEXEC) != 0 || pipe2(result_pipe, O_CLOEXEC) != 0) {
        rc = -errno;
        errf(err, errsz, "unable to create pipes: %s", strerror(errno));
        goto done;
    }

    fflush(NULL); /* children must not flush the parent's buffered output */
    for (; forked < o->workers; forked++) {
        pid_t pid = fork();
        if (pid < 0 && forked == 0) {
            rc = -errno;
            errf(err, errsz, "unable to fork a worker: %s", strerror(errno));
            goto done;
        }
        if (pid < 0)
            break; /* run with the workers we have */
        if (pid == 0) {
            close(task_pipe[1]);
            close(result_pipe[0]);
            child_main(wl, ctx, task_pipe[0], result_pipe[1]);
            _exit(0);
        }
        pids[forked] = pid;
    }
    close(task_pipe[0]);
    close(result_pipe[1]);
    task_pipe[0] = result_pipe[1] = -1;

    /* Dispatch and collect: keep the task pipe topped up to WINDOW
     * outstanding tasks; close it once everything is handed out. */
    while (received < n) {
        if (exec_stopping() && !stopped) {
            /* Pass the stop on, hand out nothing more, keep collecting
             * until every child has gone (end-of-file). */
            stopped = 1;
            for (unsigned k = 0; k < forked; k++)
                kill(pids[k], SIGTERM);
            dispatched = n;
        }
        while (dispatched < n && dispatched - received < WINDOW) {
            uint64_t task = dispatched;
            if (write_msg(task_pipe[1], &task, sizeof(task)) != 0)
                break; /* every child is gone: EPIPE */
            dispatched++;
        }
        if (dispatched == n && task_pipe[1] >= 0) {
            close(task_pipe[1]);
            task_pipe[1] = -1;
        }
        ssize_t got = read_msgs(result_pipe[0], batch, sizeof(batch[0]), BATCH);
        if (got == -EINTR)
            continue; /* a stop request: handled at the top */
        if (got <= 0)
            break; /* end-of-file: every child has exited */
        for (ssize_t k = 0; k < got; k++)
            if (batch[k].task < n)
                results[batch[k].task] = batch[k].result;
        received += (size_t)got;
    }
done:
    for (int k = 0; k < 2; k++) {
        if (task_pipe[k] >= 0)
            close(task_pipe[k]);
        if (result_pipe[k] >= 0)
            close(result_pipe[k]);
    }
    for (unsigned k = 0; k < forked; k++) {
        int status = 0;
        while (waitpid(pids[k], &status, 0) < 0 && errno == EINTR)
            ;
        /* Died of a signal we did not send, or exited with an error: its
         * task in progress never came back and is reported failed. */
        if ((WIFSIGNALED(status) && !stopped) || (WIFEXITED(status) && WEXITSTATUS(status) != 0))
            lost++;
    }
    free(pids);
    if (o->json != NULL)
        cJSON_AddNumberToObject(o->json, "workers_lost", lost);
    return rc;
}

const struct strategy strategy_procs = {
    .name    = "procs",
    .summary = "N forked processes fed task indices through a pipe (a multiprocessing pool)",
    .limits  = "one easy handle per process, created after fork; results sent back by pipe",
    .run     = procs_run,
};
