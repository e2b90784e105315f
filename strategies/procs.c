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
 * A task message is a span of tasks: one task (the default, dynamic
 * schedule) or, with `--schedule static`, one contiguous block per worker,
 * all written up front (Pool.map's chunks, dealt out at once).
 *
 * The parent keeps up to WINDOW tasks in the task pipe (well under the
 * pipe's 64 KiB), refilling as results arrive, reads results in batches,
 * and closes the task pipe when every task is handed out; children exit on
 * end-of-file. A child holds one task at a time, so a deep pipe costs no
 * balance, and it spares the parent a wake-up per task. If a child dies,
 * the task it held never comes back: the parent reads end-of-file on the
 * result pipe once every child has exited and reports that task lost.
 * Every child is reaped.
 *
 * A stop request (SIGINT, SIGTERM) interrupts the parent's wait; it passes
 * SIGTERM on to every child, stops handing out tasks, and collects what
 * the children still send. A child stops after its current task (a
 * transfer in progress is aborted by libcurl's progress callback). A
 * child that has not gone within STOP_GRACE_MS (stopped with SIGSTOP,
 * wedged in a call) is sent SIGKILL: the parent waits with a deadline,
 * never on a read that only a child can end.
 *
 * A child must not outlive its parent: it asks the kernel for SIGKILL
 * when the parent dies (PR_SET_PDEATHSIG; a wedged child could ignore
 * anything less), then checks the parent is still the one that forked it,
 * in case it died before the request. On SIGTERM a child stops like any
 * run: its transfer is aborted, its temporary file removed, and nothing
 * more is written into --out.
 *
 * The children are forked before any of them creates a curl handle: each
 * builds its own state after fork and never touches the parent's. CPU time
 * and peak RSS of the reaped children are included in the run's usage.
 */
#include "strategy.h"

#include "clock.h"
#include "exec.h"
#include "shared/schedule.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define WINDOW 2048 /* tasks in flight: 32 KiB of 16-byte task messages */
#define BATCH  64   /* results per read */
#define STOP_GRACE_MS 1500 /* after SIGTERM, before SIGKILL */

struct procs_opts {
    unsigned schedule; /* enum schedule */
};

static const struct opt procs_options[] = {
    SCHEDULE_OPTION(struct procs_opts, schedule),
    OPT_END,
};

/* Tasks first .. first + count - 1. */
struct task_msg {
    uint64_t first;
    uint64_t count;
};

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
static void child_main(const struct tasks *t, unsigned id, pid_t parent, int task_fd, int result_fd)
{
    void           *w;
    struct task_msg span;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        return; /* orphaned already: do nothing */
    int ready = tasks_worker_init(t, &w) == 0;
    while (!exec_stopping() && read_msgs(task_fd, &span, sizeof(span), 1) == 1) {
        for (uint64_t task = span.first; task < span.first + span.count && !exec_stopping();
             task++) {
            struct result_msg m = {.task = task};
            if (ready)
                t->ops->run(t->ctx, w, (size_t)task, &m.result);
            else
                m.result = (struct task_result){.done = 1, .err = TASK_LOST};
            m.result.worker = id;
            if (write_msg(result_fd, &m, sizeof(m)) != 0)
                goto out; /* the parent is gone */
        }
    }
out:
    if (ready)
        tasks_worker_fini(t, w);
}

/* Fork the workers; each runs child_main and exits. Returns how many
 * started, or -errno when none could. */
static int fork_workers(const struct strategy_run *r, pid_t *pids, int task_pipe[2],
                        int result_pipe[2])
{
    pid_t    parent = getpid();
    unsigned forked = 0;
    fflush(NULL); /* children must not flush the parent's buffered output */
    for (; forked < r->workers; forked++) {
        pid_t pid = fork();
        if (pid < 0)
            return forked > 0 ? (int)forked : -errno; /* run with what we have */
        if (pid == 0) {
            close(task_pipe[1]);
            close(result_pipe[0]);
            child_main(r->tasks, forked, parent, task_pipe[0], result_pipe[1]);
            _exit(0);
        }
        pids[forked] = pid;
    }
    return (int)forked;
}

/* Dispatch and collect: keep the task pipe topped up to WINDOW tasks in
 * flight; close it once everything is handed out. On a stop request, pass
 * SIGTERM on, hand out nothing more, and collect until every child has
 * gone (end-of-file on the result pipe). */
static void dispatch(const struct strategy_run *r, const pid_t *pids, unsigned forked, int *task_wr,
                     int result_rd, int *stopped)
{
    const struct procs_opts *o = r->opts;
    size_t                   n = r->tasks->n, dispatched = 0, received = 0;
    /* Static: forked blocks, written at once (a few bytes each). */
    size_t            blocks = o && o->schedule == SCHEDULE_STATIC ? (forked < n ? forked : n) : 0;
    size_t            block  = 0;
    struct result_msg batch[BATCH];
    uint64_t          kill_at = 0; /* after a stop: when the children get SIGKILL */
    while (received < n) {
        if (exec_stopping() && !*stopped) {
            *stopped = 1;
            for (unsigned k = 0; k < forked; k++)
                kill(pids[k], SIGTERM);
            dispatched = n;
            kill_at    = clock_ns() + (uint64_t)STOP_GRACE_MS * 1000000u;
        }
        if (kill_at != 0) { /* stopping: wait for the children, with a deadline */
            uint64_t now = clock_ns();
            if (now >= kill_at) {
                for (unsigned k = 0; k < forked; k++)
                    kill(pids[k], SIGKILL);
                kill_at = 0; /* end-of-file follows as they die */
            } else {
                struct pollfd p = {.fd = result_rd, .events = POLLIN};
                if (poll(&p, 1, (int)((kill_at - now) / 1000000u) + 1) <= 0)
                    continue; /* the deadline, or a signal: look again */
            }
        }
        while (dispatched < n && (blocks || dispatched - received < WINDOW)) {
            struct task_msg span = {.first = dispatched, .count = 1};
            if (blocks) {
                size_t lo, hi;
                schedule_block(block++, n, blocks, &lo, &hi);
                span.count = hi - lo;
            }
            if (write_msg(*task_wr, &span, sizeof(span)) != 0)
                break; /* every child is gone: EPIPE */
            dispatched += span.count;
        }
        if (dispatched == n && *task_wr >= 0) {
            close(*task_wr);
            *task_wr = -1;
        }
        ssize_t got = read_msgs(result_rd, batch, sizeof(batch[0]), BATCH);
        if (got == -EINTR)
            continue; /* a stop request: handled at the top */
        if (got <= 0)
            break; /* end-of-file: every child has exited */
        for (ssize_t k = 0; k < got; k++)
            if (batch[k].task < n)
                r->results[batch[k].task] = batch[k].result;
        received += (size_t)got;
    }
}

/* Reap every child; returns how many died of a signal we did not send or
 * exited with an error: their tasks in progress never came back. */
static unsigned reap(const pid_t *pids, unsigned forked, int stopped)
{
    unsigned lost = 0;
    for (unsigned k = 0; k < forked; k++) {
        int status = 0;
        while (waitpid(pids[k], &status, 0) < 0 && errno == EINTR)
            ;
        if ((WIFSIGNALED(status) && !stopped) || (WIFEXITED(status) && WEXITSTATUS(status) != 0))
            lost++;
    }
    return lost;
}

static int procs_run(const struct strategy_run *r)
{
    int    task_pipe[2] = {-1, -1}, result_pipe[2] = {-1, -1};
    int    rc = 0, stopped = 0, forked = 0;
    pid_t *pids = calloc(r->workers, sizeof(*pids));

    if (pids == NULL)
        return errc(-ENOMEM, r->err, r->errsz, "out of memory");
    if (pipe2(task_pipe, O_CLOEXEC) != 0 || pipe2(result_pipe, O_CLOEXEC) != 0) {
        rc = errc(-errno, r->err, r->errsz, "unable to create pipes: %s", strerror(errno));
        goto done;
    }
    forked = fork_workers(r, pids, task_pipe, result_pipe);
    if (forked < 0) {
        rc     = errc(forked, r->err, r->errsz, "unable to fork a worker: %s", strerror(-forked));
        forked = 0;
        goto done;
    }
    close(task_pipe[0]);
    close(result_pipe[1]);
    task_pipe[0] = result_pipe[1] = -1;
    if (r->forked != NULL) /* the workers exist: the runner's threads may start now */
        r->forked(r->forked_arg);
    dispatch(r, pids, (unsigned)forked, &task_pipe[1], result_pipe[0], &stopped);
done:
    for (int k = 0; k < 2; k++) {
        if (task_pipe[k] >= 0)
            close(task_pipe[k]);
        if (result_pipe[k] >= 0)
            close(result_pipe[k]);
    }
    unsigned lost = reap(pids, (unsigned)forked, stopped);
    free(pids);
    stats_set(r->stats, "workers_lost", lost,
              "worker processes died; their tasks in progress are counted lost");
    return rc;
}

STRATEGY(procs) = {
    .name      = CB_PLUGIN_NAME, /* "procs": the file's name */
    .course  = "multiprocessing, Pool, ProcessPoolExecutor, Process",
    .summary   = "N forked processes fed task indices through a pipe (a multiprocessing pool)",
    .limits    = "one easy handle per process, created after fork; results sent back by pipe",
    .caps      = CAP_PARALLEL | CAP_PROCESSES,
    .forks     = 1,
    .order     = 20,
    .color     = "#009e73",
    .options   = procs_options,
    .opts_size = sizeof(struct procs_opts),
    .run       = procs_run,
};
