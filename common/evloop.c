/*
 * evloop.c: the event loop: epoll for readiness, a timerfd for libcurl's
 * timeouts, curl_multi_socket_action to hand both to libcurl.
 *
 * libcurl tells the loop which sockets to watch (socket_cb) and when to
 * wake up if nothing happens (timer_cb). Each wake-up hands the ready
 * socket, or the timeout, back to libcurl, then collects finished
 * transfers and gives their slots the next task.
 */
#include "evloop.h"

#include "clock.h"
#include "exec.h"
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

struct slot {
    void  *w;    /* the workload's worker state */
    CURL    *h;        /* its easy handle while in the multi handle, else NULL */
    size_t   task;     /* the task in flight (or waiting to be retried) */
    uint64_t retry_at; /* when the task's retry is due, 0 if none */
};

struct loop {
    const struct workload *wl;
    void                  *ctx;
    struct task_result    *results;
    const struct evloop_stage *stage;
    size_t                 ntasks;
    size_t                 next;     /* next task to start */
    size_t                 inflight;
    size_t                 waiting;  /* slots waiting out a retry backoff */
    CURLM                 *multi;
    int                    epfd;
    int                    tfd;
};

/* libcurl: start, change or stop watching socket s. */
static int socket_cb(CURL *easy, curl_socket_t s, int what, void *clientp, void *socketp)
{
    (void)easy;
    struct loop *l = clientp;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(l->epfd, EPOLL_CTL_DEL, s, NULL); /* may already be closed */
        curl_multi_assign(l->multi, s, NULL);
        return 0;
    }
    struct epoll_event ev = {
        .events  = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u),
        .data.fd = s,
    };
    int op = socketp ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(l->epfd, op, s, &ev) != 0) {
        op = (op == EPOLL_CTL_ADD) ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
        if (epoll_ctl(l->epfd, op, s, &ev) != 0)
            return -1;
    }
    curl_multi_assign(l->multi, s, l); /* any non-NULL marks "registered" */
    return 0;
}

/* libcurl: call me back in timeout_ms (-1: never, 0: at once). */
static int timer_cb(CURLM *multi, long timeout_ms, void *clientp)
{
    (void)multi;
    struct loop *l = clientp;
    struct itimerspec its = {0};
    if (timeout_ms >= 0) {
        /* A zero it_value would disarm the timer; "at once" is 1 ns. */
        its.it_value.tv_sec  = timeout_ms / 1000;
        its.it_value.tv_nsec = timeout_ms > 0 ? (timeout_ms % 1000) * 1000000L : 1;
    }
    return timerfd_settime(l->tfd, 0, &its, NULL) == 0 ? 0 : -1;
}

/* Start task i on slot s. Returns 0, or -1 when it failed before it
 * began (its result is filled). */
static int slot_start(struct loop *l, struct slot *s, size_t i)
{
    CURL *h = l->wl->start(l->ctx, s->w, i, &l->results[i]);
    if (h == NULL)
        return -1;
    curl_easy_setopt(h, CURLOPT_PRIVATE, s);
    if (curl_multi_add_handle(l->multi, h) != CURLM_OK) {
        l->results[i] = (struct task_result){.done = 1, .err = FETCH_ERR_OTHER};
        return -1;
    }
    s->h = h;
    s->task = i;
    l->inflight++;
    /* Adding a handle only arms a 0 ms timeout; act on it now so the
     * request leaves at once instead of after the rest of this batch of
     * completions has been processed. */
    int running;
    curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    return 0;
}

/* Give slot s its next task, skipping tasks that fail before they start;
 * nothing new once a stop is requested. */
static void slot_start_next(struct loop *l, struct slot *s)
{
    while (l->next < l->ntasks && !exec_stopping())
        if (slot_start(l, s, l->next++) == 0)
            return;
}

/* The transfer of s's task went well and the task has a CPU stage: detach
 * it from the slot and run it, here or wherever the caller's stage hook
 * sends it. */
static void hand_over_stage(struct loop *l, struct slot *s)
{
    size_t i = s->task;
    void *job = l->wl->take_job ? l->wl->take_job(l->ctx, s->w, i) : NULL;
    if (job == NULL)
        l->results[i] = (struct task_result){.done = 1, .err = FETCH_ERR_OTHER};
    else if (l->stage != NULL)
        l->stage->submit(l->stage->arg, i, job);
    else
        l->wl->run_job(l->ctx, job, &l->results[i]);
}

/* Collect every finished transfer and refill its slot. */
static void collect_done(struct loop *l)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(l->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURL *h = msg->easy_handle;
        CURLcode code = msg->data.result;
        struct slot *s;
        curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&s);
        curl_multi_remove_handle(l->multi, h);
        s->h = NULL;
        l->inflight--;
        unsigned retry_ms = l->wl->finish(l->ctx, s->w, s->task, code, &l->results[s->task]);
        if (retry_ms > 0) { /* same task, same slot, after the backoff */
            s->retry_at = clock_ns() + (uint64_t)retry_ms * 1000000u;
            l->waiting++;
            continue;
        }
        if (!l->results[s->task].done)
            hand_over_stage(l, s);
        slot_start_next(l, s);
    }
}

/* How long epoll may sleep: until the next retry is due, and never more
 * than 200 ms, so a stop request caught by another thread is seen soon. */
static int wait_ms(const struct loop *l, const struct slot *slots, unsigned nslots)
{
    uint64_t now = clock_ns(), until = now + 200000000u;
    for (unsigned k = 0; l->waiting > 0 && k < nslots; k++)
        if (slots[k].retry_at != 0 && slots[k].retry_at < until)
            until = slots[k].retry_at;
    return until > now ? (int)((until - now + 999999) / 1000000) : 0;
}

static void start_due_retries(struct loop *l, struct slot *slots, unsigned nslots)
{
    uint64_t now = clock_ns();
    for (unsigned k = 0; l->waiting > 0 && k < nslots; k++) {
        struct slot *s = &slots[k];
        if (s->retry_at == 0 || s->retry_at > now)
            continue;
        s->retry_at = 0;
        l->waiting--;
        if (slot_start(l, s, s->task) != 0)
            slot_start_next(l, s);
    }
}

/* A stop request: abandon every transfer in flight or waiting. */
static void stop_all(struct loop *l, struct slot *slots, unsigned nslots)
{
    for (unsigned k = 0; k < nslots; k++) {
        struct slot *s = &slots[k];
        if (s->h == NULL && s->retry_at == 0)
            continue;
        if (s->h != NULL)
            curl_multi_remove_handle(l->multi, s->h);
        l->results[s->task] = (struct task_result){.done = 1, .err = FETCH_ERR_INTERRUPTED};
        s->h = NULL;
        s->retry_at = 0;
    }
    l->inflight = l->waiting = 0;
}

static int loop_run(struct loop *l, struct slot *slots, unsigned nslots, char *err,
                    size_t errsz)
{
    struct epoll_event events[64];
    int running;

    struct epoll_event tev = {.events = EPOLLIN, .data.fd = l->tfd};
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->tfd, &tev) != 0)
        return errf(err, errsz, "unable to watch the timer: %s", strerror(errno));
    curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
    curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
    curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);

    for (unsigned k = 0; k < nslots; k++)
        slot_start_next(l, &slots[k]);

    while (l->inflight > 0 || l->waiting > 0) {
        if (exec_stopping()) {
            stop_all(l, slots, nslots);
            break;
        }
        int nev = epoll_wait(l->epfd, events, 64, wait_ms(l, slots, nslots));
        if (nev < 0) {
            if (errno == EINTR)
                continue;
            return errf(err, errsz, "epoll_wait: %s", strerror(errno));
        }
        start_due_retries(l, slots, nslots);
        for (int k = 0; k < nev; k++) {
            if (events[k].data.fd == l->tfd) {
                uint64_t expirations;
                if (read(l->tfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
                    return errf(err, errsz, "timerfd read: %s", strerror(errno));
                curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
            } else {
                uint32_t e = events[k].events;
                int mask = ((e & EPOLLIN) ? CURL_CSELECT_IN : 0) |
                           ((e & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
                           ((e & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
                curl_multi_socket_action(l->multi, events[k].data.fd, mask, &running);
            }
            collect_done(l);
        }
    }
    return 0;
}

int evloop_run_tasks(const struct workload *wl, void *ctx, struct task_result *results,
                     unsigned nslots, const struct evloop_stage *stage, char *err, size_t errsz)
{
    struct loop l = {
        .wl = wl, .ctx = ctx, .results = results, .stage = stage, .ntasks = wl->count(ctx),
        .epfd = -1, .tfd = -1,
    };
    unsigned ready = 0;
    int rc = 0;
    struct slot *slots = calloc(nslots, sizeof(*slots));
    l.multi = curl_multi_init();
    l.epfd = epoll_create1(EPOLL_CLOEXEC);
    l.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (slots == NULL || l.multi == NULL || l.epfd < 0 || l.tfd < 0) {
        rc = errf(err, errsz, "unable to set up the event loop: %s", strerror(errno));
        goto done;
    }
    for (; ready < nslots; ready++)
        if (workload_worker_init(wl, ctx, &slots[ready].w) != 0)
            break;
    if (ready == 0) {
        rc = errf(err, errsz, "unable to set up any transfer slot");
        goto done;
    }
    rc = loop_run(&l, slots, ready, err, errsz);
done:
    for (unsigned k = 0; k < ready; k++) {
        if (slots[k].h != NULL) /* only after an error inside the loop */
            curl_multi_remove_handle(l.multi, slots[k].h);
        workload_worker_fini(wl, ctx, slots[k].w);
    }
    if (l.multi)
        curl_multi_cleanup(l.multi);
    if (l.tfd >= 0)
        close(l.tfd);
    if (l.epfd >= 0)
        close(l.epfd);
    free(slots);
    return rc;
}
