/*
 * eventloop.c: one thread, one event loop, many transfers in flight.
 *
 * This is the C shape of asyncio: nothing runs in parallel, but while one
 * transfer waits for the network the loop services the others.
 *
 *     epoll_wait(every watched socket, until the source's next deadline)
 *       a socket is ready     ->  hand it to the task source
 *       the deadline passed   ->  tell the task source its time has come
 *     the source reports finished tasks (done)  ->  settle the task and
 *       give its slot the next one
 *
 * The task source is the workload's asynchronous form (async.h): for
 * downloads, libcurl's multi handle (common/fetch_multi.c). It asks the
 * loop to watch sockets (watch) and to wake it at a deadline (timer); the
 * loop knows no HTTP, the source no epoll.
 *
 * --workers sets the number of slots: at most that many tasks are in
 * flight, each slot owning one worker state (one reused easy handle). When
 * a task finishes, its slot starts the next one: never all N at once. A
 * CPU stage after a transfer (the mixed workload) runs here on the loop
 * thread and stalls every transfer while it runs, unless the strategy
 * running this one takes it over (hybrid hands it to a thread pool).
 *
 * A workload with no asynchronous form (the cpu sums) gets each task run
 * to completion on the loop thread, one after another: exactly the
 * sequential loop, which is what an event loop gives CPU-bound work.
 *
 * Two things keep the loop's system calls per transfer down, measured at
 * 1000 in flight where its one thread is the bottleneck:
 *   - the source's timer is a deadline in memory that bounds epoll_wait's
 *     timeout (libcurl's timers have millisecond resolution, as that
 *     timeout does), not a timerfd re-armed at every change: libcurl moves
 *     its timer about twice per transfer;
 *   - a socket the source stops watching stays in the epoll set, parked,
 *     and is taken out only if it reports an event while parked. libcurl
 *     stops watching a keep-alive connection after every transfer and
 *     watches it again for the next: that is one epoll_ctl instead of
 *     two. A parked descriptor that libcurl closed leaves the epoll set by
 *     itself; if its number comes back, the first epoll_ctl fails and the
 *     loop adds the new one.
 */
#include "strategy.h"

#include "clock.h"
#include "exec.h"
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

struct slot {
    void    *w; /* the workload's worker state */
    unsigned id;
    int      busy;     /* a task is in flight */
    size_t   task;     /* the task in flight, or waiting for its retry */
    uint64_t retry_at; /* when that retry is due; 0 if none */
};

/* What the loop knows of a descriptor the source named. */
enum fd_state { FD_UNKNOWN, FD_WATCHED, FD_PARKED };

struct loop {
    struct async_loop          iface; /* first: the source calls back through it */
    const struct strategy_run *run;
    void                      *source;
    int                        epfd;
    uint64_t                   deadline; /* the source's timer, clock_ns(); 0: none */
    int                        due_now;  /* the source wants its timer at once */
    unsigned char             *fds;      /* enum fd_state by descriptor number */
    size_t                     nfds;
    size_t                     next; /* next task to start */
    size_t                     inflight;
    size_t                     waiting; /* slots waiting out a retry backoff */
    struct slot               *slots;
    unsigned                   nslots;
};

/* ---- what the source calls: watch, timer, done ---------------------- */

static int fd_state(struct loop *l, int fd, enum fd_state set)
{
    if ((size_t)fd >= l->nfds) {
        size_t         n = l->nfds ? l->nfds : 1024;
        unsigned char *p;
        while (n <= (size_t)fd)
            n *= 2;
        if ((p = realloc(l->fds, n)) == NULL)
            return -ENOMEM;
        memset(p + l->nfds, FD_UNKNOWN, n - l->nfds);
        l->fds  = p;
        l->nfds = n;
    }
    l->fds[fd] = (unsigned char)set;
    return 0;
}

static int loop_watch(struct async_loop *al, int fd, unsigned events, int fresh)
{
    struct loop *l = (struct loop *)al;
    (void)fresh; /* the loop's own table knows better: see the top of the file */
    if (fd < 0)
        return -EBADF;
    int known = (size_t)fd < l->nfds && l->fds[fd] != FD_UNKNOWN;
    if (events == 0) { /* park it: taken out only if it stirs */
        if (known)
            l->fds[fd] = FD_PARKED;
        return 0;
    }
    struct epoll_event ev = {
        .events  = ((events & ASYNC_IN) ? EPOLLIN : 0u) | ((events & ASYNC_OUT) ? EPOLLOUT : 0u),
        .data.fd = fd,
    };
    int op = known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(l->epfd, op, fd, &ev) != 0) {
        /* MOD of a number that was closed and came back; ADD of one
         * already in the set under an old life: the other one works. */
        op = op == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
        if (epoll_ctl(l->epfd, op, fd, &ev) != 0)
            return -errno;
    }
    return fd_state(l, fd, FD_WATCHED);
}

static int loop_timer(struct async_loop *al, long ms)
{
    struct loop *l = (struct loop *)al;
    if (ms == 0)
        l->due_now = 1; /* checked after every event the loop dispatches */
    else
        l->deadline = ms < 0 ? 0 : clock_ns() + (uint64_t)ms * 1000000u;
    return 0;
}

static void slot_start_next(struct loop *l, struct slot *s);

static void loop_done(struct async_loop *al, void *token)
{
    struct loop               *l   = (struct loop *)al;
    struct slot               *s   = token;
    const struct strategy_run *r   = l->run;
    const struct tasks        *t   = r->tasks;
    struct task_result        *res = &r->results[s->task];

    s->busy = 0;
    l->inflight--;
    unsigned retry_ms = t->ops->async_finish(t->ctx, s->w, s->task, res);
    if (retry_ms > 0) { /* same task, same slot, after the backoff */
        s->retry_at = clock_ns() + (uint64_t)retry_ms * 1000000u;
        l->waiting++;
        return;
    }
    res->worker = s->id;
    if (!res->done) {
        /* The transfer went well and a CPU stage follows: detach it from
         * the slot, then run it here or hand it to whoever runs us. */
        void *job = t->ops->take_job ? t->ops->take_job(t->ctx, s->w, s->task) : NULL;
        if (job == NULL)
            *res = (struct task_result){.done = 1, .err = TASK_LOST, .worker = s->id};
        else if (r->hooks != NULL && r->hooks->stage != NULL)
            r->hooks->stage(r->hooks->arg, s->task, job);
        else
            t->ops->run_job(t->ctx, job, res);
    }
    slot_start_next(l, s);
}

/* ---- slots ----------------------------------------------------------- */

/* Start task i on slot s. Returns 0, or -1 when it failed before it
 * began (its result is then final). */
static int slot_start(struct loop *l, struct slot *s, size_t i)
{
    const struct tasks *t   = l->run->tasks;
    struct task_result *res = &l->run->results[i];
    if (t->ops->async_start(l->source, s->w, i, s, res) != 0) {
        res->worker = s->id;
        return -1;
    }
    s->task = i;
    s->busy = 1;
    l->inflight++;
    return 0;
}

/* Give slot s its next task, skipping tasks that fail before they start;
 * nothing new once a stop is requested. */
static void slot_start_next(struct loop *l, struct slot *s)
{
    while (l->next < l->run->tasks->n && !exec_stopping())
        if (slot_start(l, s, l->next++) == 0)
            return;
}

static void start_due_retries(struct loop *l)
{
    uint64_t now = clock_ns();
    for (unsigned k = 0; l->waiting > 0 && k < l->nslots; k++) {
        struct slot *s = &l->slots[k];
        if (s->retry_at == 0 || s->retry_at > now)
            continue;
        s->retry_at = 0;
        l->waiting--;
        if (slot_start(l, s, s->task) != 0)
            slot_start_next(l, s);
    }
}

/* How long epoll may sleep: until the source's deadline or the next
 * retry, rounded up to whole milliseconds (never early), and never more
 * than 200 ms, so a stop request caught by another thread is seen soon. */
static int wait_ms(const struct loop *l)
{
    uint64_t now = clock_ns(), until = now + 200000000u;
    if (l->deadline != 0 && l->deadline < until)
        until = l->deadline;
    for (unsigned k = 0; l->waiting > 0 && k < l->nslots; k++)
        if (l->slots[k].retry_at != 0 && l->slots[k].retry_at < until)
            until = l->slots[k].retry_at;
    return until > now ? (int)((until - now + 999999) / 1000000) : 0;
}

/* The source's deadline has passed: clear it (the source sets the next)
 * and tell the source. */
static void fire_deadline(struct loop *l)
{
    if (l->deadline != 0 && clock_ns() >= l->deadline) {
        l->deadline = 0;
        l->run->tasks->ops->async_ready(l->source, -1, 0);
    }
}

/* A stop request: abandon every task in flight or waiting. */
static void stop_all(struct loop *l)
{
    const struct tasks *t = l->run->tasks;
    for (unsigned k = 0; k < l->nslots; k++) {
        struct slot *s = &l->slots[k];
        if (!s->busy && s->retry_at == 0)
            continue;
        if (s->busy)
            t->ops->async_cancel(l->source, s->w);
        l->run->results[s->task] =
            (struct task_result){.done = 1, .err = TASK_INTERRUPTED, .worker = s->id};
        s->busy     = 0;
        s->retry_at = 0;
    }
    l->inflight = l->waiting = 0;
}

/* ---- the loop -------------------------------------------------------- */

/* The source asked for its timer "at once": give it that now. */
static void fire_due(struct loop *l)
{
    while (l->due_now) {
        l->due_now = 0;
        l->run->tasks->ops->async_ready(l->source, -1, 0);
    }
}

static void dispatch(struct loop *l, const struct epoll_event *ev)
{
    const struct task_ops *ops = l->run->tasks->ops;
    int                    fd  = ev->data.fd;
    if ((size_t)fd < l->nfds && l->fds[fd] == FD_PARKED) {
        /* Nobody watches it (an idle connection the server closed, say):
         * take it out now, or it would wake every epoll_wait. */
        epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
        l->fds[fd] = FD_UNKNOWN;
        return;
    }
    uint32_t e    = ev->events;
    unsigned mask = ((e & EPOLLIN) ? ASYNC_IN : 0u) | ((e & EPOLLOUT) ? ASYNC_OUT : 0u) |
                    ((e & (EPOLLERR | EPOLLHUP)) ? ASYNC_ERR : 0u);
    ops->async_ready(l->source, fd, mask);
    fire_due(l);
}

static int loop_run(struct loop *l)
{
    const struct strategy_run *r = l->run;
    struct epoll_event         events[64];

    for (unsigned k = 0; k < l->nslots; k++)
        slot_start_next(l, &l->slots[k]);
    fire_due(l);

    while (l->inflight > 0 || l->waiting > 0) {
        if (exec_stopping()) {
            stop_all(l);
            break;
        }
        int nev = epoll_wait(l->epfd, events, 64, wait_ms(l));
        if (nev < 0 && errno != EINTR)
            return errc(-errno, r->err, r->errsz, "epoll_wait: %s", strerror(errno));
        start_due_retries(l);
        fire_due(l);
        for (int k = 0; k < nev; k++)
            dispatch(l, &events[k]);
        fire_deadline(l);
        fire_due(l);
    }
    return 0;
}

static int eventloop_run(const struct strategy_run *r)
{
    const struct tasks *t = r->tasks;
    if (t->ops->async_start == NULL) /* no asynchronous form: one task at a time */
        return strategy_run_by_name("sequential", r, 1, r->hooks);

    struct loop l = {
        .iface = {.watch = loop_watch, .timer = loop_timer, .done = loop_done},
        .run   = r,
        .epfd  = epoll_create1(EPOLL_CLOEXEC),
        .slots = calloc(r->workers, sizeof(struct slot)),
    };
    int rc = 0;
    if (l.epfd < 0 || l.slots == NULL) {
        rc = errc(-errno, r->err, r->errsz, "unable to set up the event loop: %s", strerror(errno));
        goto done;
    }
    for (; l.nslots < r->workers; l.nslots++) {
        l.slots[l.nslots].id = l.nslots;
        if (tasks_worker_init(t, &l.slots[l.nslots].w) != 0)
            break;
    }
    if (l.nslots == 0 || (l.source = t->ops->async_open(t->ctx, &l.iface)) == NULL) {
        rc = errc(-ENOMEM, r->err, r->errsz, "unable to set up the transfers");
        goto done;
    }
    rc = loop_run(&l);
done:
    if (l.source != NULL) {
        for (unsigned k = 0; k < l.nslots; k++) /* only after an error inside the loop */
            if (l.slots[k].busy)
                t->ops->async_cancel(l.source, l.slots[k].w);
        t->ops->async_close(l.source);
    }
    for (unsigned k = 0; k < l.nslots; k++)
        tasks_worker_fini(t, l.slots[k].w);
    if (l.epfd >= 0)
        close(l.epfd);
    free(l.slots);
    free(l.fds);
    return rc;
}

STRATEGY(eventloop) = {
    .name    = CB_PLUGIN_NAME, /* "eventloop": the file's name */
    .course  = "asyncio, gather, aiohttp, async",
    .summary = "one thread: epoll driving the transfers, N in flight",
    .limits  = "poller epoll; at most --workers transfers in flight; CPU work (cpu tasks, "
               "mixed's stage) runs inline on the loop thread (no parallelism)",
    .caps    = CAP_SHARED_MEMORY | CAP_ASYNC,
    .order   = 30,
    .color   = "#d55e00",
    .run     = eventloop_run,
};
