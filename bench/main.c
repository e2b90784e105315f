/*
 * main.c: the concbench executable: process-wide set-up and the subcommand
 * table.
 *
 * curl_global_init() runs here, once, before any thread or fork; SIGPIPE is
 * ignored so a peer closing a socket or pipe is an error code, not a death.
 * The plug-in tables are checked once: a strategy or workload file that
 * clashes with another is reported before anything runs.
 */
#include "cli.h"

#include "cmdline.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#ifndef CONCBENCH_VERSION
#define CONCBENCH_VERSION "unknown"
#endif

static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"run", cmd_run, "run one workload with one strategy and report the measurement"},
    {"serve", cmd_serve, "the fixture HTTP server: deterministic files, delays, an index"},
    {"list", cmd_list, "list the strategies and workloads (--json: with every detail)"},
    {"info", cmd_info, "print the machine, the build and the system's state as JSON"},
    {"compare", cmd_compare, "compare two make-bench runs: medians, ratios, significance"},
    {"lesson", cmd_lesson, "run one of the course's lessons as a claim the numbers decide"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: concbench <command> [options]\n\ncommands:\n");
    for (const struct command *c = commands; c->name; c++)
        fprintf(f, "  %-7s %s\n", c->name, c->summary);
    fprintf(f, "\n'concbench <command> --help' describes each command; "
               "'concbench --version' prints the version.\n");
}

static int unknown_command(const char *name)
{
    const char *names[8];
    size_t      k = 0;
    for (const struct command *c = commands; c->name && k < 7; c++)
        names[k++] = c->name;
    names[k]         = NULL;
    const char *near = cmdline_suggest(name, names);
    if (near != NULL)
        return usage_error("unknown command '%s' (did you mean '%s'?)", name, near);
    return usage_error("unknown command '%s' (try 'concbench --help')", name);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr), EXIT_USAGE;
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0)
        return usage(stdout), 0;
    if (strcmp(argv[1], "--version") == 0)
        return printf("concbench %s (commit %s%s)\n", CONCBENCH_VERSION, cb_git_commit,
                      cb_git_dirty ? ", with uncommitted changes" : ""),
               0;
    if (registry_check() != 0)
        return 70; /* EX_SOFTWARE: the build itself is wrong */

    for (const struct command *c = commands; c->name; c++) {
        if (strcmp(argv[1], c->name) != 0)
            continue;
        signal(SIGPIPE, SIG_IGN);
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return usage_error("unable to initialise libcurl");
        int rc = c->fn(argc - 1, argv + 1);
        curl_global_cleanup();
        /* Output that never arrived is a failure, said as such: a full
         * disk, a closed pipe (SIGPIPE is ignored, so it is EPIPE here). */
        errno = 0;
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "concbench: %s: write error on standard output%s%s\n", c->name,
                    errno ? ": " : " (the disk is full, or the reader went away)",
                    errno ? strerror(errno) : "");
            if (rc == 0 || rc == EXIT_FAILED)
                rc = EXIT_USAGE;
        }
        return rc;
    }
    return unknown_command(argv[1]);
}
