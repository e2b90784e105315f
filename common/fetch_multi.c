/*
 * fetch_multi.c: the adapter between libcurl's multi_socket callbacks and
 * an event loop's watch/timer/done.
 */
#include "fetch_multi.h"

#include <stdlib.h>

struct fetch_multi {
    CURLM             *multi;
    struct async_loop *loop;
};

/* libcurl: start, change or stop watching socket s. */
static int socket_cb(CURL *easy, curl_socket_t s, int what, void *clientp, void *socketp)
{
    (void)easy;
    struct fetch_multi *m = clientp;
    if (what == CURL_POLL_REMOVE) {
        m->loop->watch(m->loop, s, 0, 0);
        curl_multi_assign(m->multi, s, NULL);
        return 0;
    }
    unsigned events =
        ((what & CURL_POLL_IN) ? ASYNC_IN : 0u) | ((what & CURL_POLL_OUT) ? ASYNC_OUT : 0u);
    if (m->loop->watch(m->loop, s, events, socketp == NULL) != 0)
        return -1;
    curl_multi_assign(m->multi, s, m); /* any non-NULL marks "watched" */
    return 0;
}

/* libcurl: call me back in timeout_ms (-1: never, 0: at once). */
static int timer_cb(CURLM *multi, long timeout_ms, void *clientp)
{
    (void)multi;
    struct fetch_multi *m = clientp;
    return m->loop->timer(m->loop, timeout_ms) == 0 ? 0 : -1;
}

struct fetch_multi *fetch_multi_new(struct async_loop *loop)
{
    struct fetch_multi *m = calloc(1, sizeof(*m));
    if (m == NULL)
        return NULL;
    m->loop = loop;
    if ((m->multi = curl_multi_init()) == NULL) {
        free(m);
        return NULL;
    }
    curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
    curl_multi_setopt(m->multi, CURLMOPT_SOCKETDATA, m);
    curl_multi_setopt(m->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    curl_multi_setopt(m->multi, CURLMOPT_TIMERDATA, m);
    return m;
}

void fetch_multi_free(struct fetch_multi *m)
{
    if (m == NULL)
        return;
    curl_multi_cleanup(m->multi);
    free(m);
}

int fetch_multi_add(struct fetch_multi *m, struct fetch *f, void *token)
{
    f->token = token;
    return curl_multi_add_handle(m->multi, f->h) == CURLM_OK ? 0 : -1;
}

void fetch_multi_remove(struct fetch_multi *m, struct fetch *f)
{
    curl_multi_remove_handle(m->multi, f->h);
}

void fetch_multi_ready(struct fetch_multi *m, int fd, unsigned events)
{
    int running;
    if (fd < 0) {
        curl_multi_socket_action(m->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    } else {
        int mask = ((events & ASYNC_IN) ? CURL_CSELECT_IN : 0) |
                   ((events & ASYNC_OUT) ? CURL_CSELECT_OUT : 0) |
                   ((events & ASYNC_ERR) ? CURL_CSELECT_ERR : 0);
        curl_multi_socket_action(m->multi, fd, mask, &running);
    }
    /* Report every finished transfer. Each is out of the multi handle
     * before done() runs, so done() may start the next one on it. */
    CURLMsg *msg;
    int      left;
    while ((msg = curl_multi_info_read(m->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct fetch *f;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&f);
        f->code = msg->data.result;
        curl_multi_remove_handle(m->multi, f->h);
        m->loop->done(m->loop, f->token);
    }
}
