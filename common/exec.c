/*
 * exec.c: the thread-local hook pointer. A call without hooks is one TLS
 * load and a branch.
 */
#include "exec.h"

#include <signal.h>
#include <stddef.h>

static volatile sig_atomic_t stop_signal;

void exec_request_stop(int sig)
{
    stop_signal = sig ? sig : SIGTERM;
}

int exec_stopping(void)
{
    return stop_signal;
}

static _Thread_local const struct exec_hooks *hooks;

void exec_set_hooks(const struct exec_hooks *h)
{
    hooks = h;
}

void exec_blocking_begin(void)
{
    if (hooks != NULL && hooks->blocking_begin != NULL)
        hooks->blocking_begin(hooks->arg);
}

void exec_blocking_end(void)
{
    if (hooks != NULL && hooks->blocking_end != NULL)
        hooks->blocking_end(hooks->arg);
}

void exec_checkpoint(void)
{
    if (hooks != NULL && hooks->checkpoint != NULL)
        hooks->checkpoint(hooks->arg);
}
