/*
 * cmdline.h: argv against option tables (common/opt.h).
 *
 * A command parses its arguments against a list of scopes, each an
 * options table with the struct its values go into: `run` uses its own
 * table, the chosen workload's and the chosen strategy's. "--name value",
 * "--name=value" and bare flags are accepted. An option no scope knows is
 * looked up in every plug-in's table, so the message can say whose it is
 * ("--kernel is an option of workload cpu, not of io"), or else suggest
 * the nearest name.
 */
#ifndef CONCBENCH_CMDLINE_H
#define CONCBENCH_CMDLINE_H

#include "opt.h"

#include <stddef.h>

struct opt_scope {
    const struct opt *table;
    void             *opts;
    const char       *owner; /* "workload cpu": for messages */
};

/* Parse argv[1..argc) against scopes. Prints one line and returns
 * EXIT_USAGE on the first bad argument; 0 on success. */
int cmdline_parse(const char *cmd, int argc, char **argv, const struct opt_scope *scopes,
                  size_t nscopes);

/* The value of --name in argv: NULL when absent, "" when it is the last
 * argument, with no value (for finding --workload and --strategy before
 * the full parse). */
const char *cmdline_peek(int argc, char **argv, const char *name);

/* The word of words (NULL-terminated) nearest to s, when it is near
 * enough to be a likely typo; else NULL. */
const char *cmdline_suggest(const char *s, const char *const *words);

#endif
