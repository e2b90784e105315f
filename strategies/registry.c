/*
 * registry.c: the one table of strategies. A new strategy is one new file
 * and one line here.
 */
#include "strategy.h"

#include <string.h>

const struct strategy *const strategies[] = {
    &strategy_sequential,
    &strategy_threads,
    &strategy_procs,
    &strategy_eventloop,
    &strategy_gil,
    &strategy_hybrid,
    NULL,
};

const struct strategy *strategy_find(const char *name)
{
    for (size_t i = 0; strategies[i] != NULL; i++)
        if (strcmp(strategies[i]->name, name) == 0)
            return strategies[i];
    return NULL;
}
