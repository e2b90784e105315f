/*
 * cli.h: the concbench subcommands and what they share.
 *
 * Exit codes everywhere: 0 success, 1 the run finished but some task
 * failed or an answer was wrong, 2 a usage or setup error (one line on
 * stderr), 128 + signal when interrupted.
 */
#ifndef CONCBENCH_CLI_H
#define CONCBENCH_CLI_H

#include "opt.h"

#include <cjson/cJSON.h>
#include <stdint.h>

#define EXIT_FAILED 1
#define EXIT_USAGE  2

int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_lesson(int argc, char **argv);

/* Add the machine/build description every result carries to obj. */
void machine_json(cJSON *obj);

/* The commit concbench was built from ("unknown" outside git), and
 * whether the tree had uncommitted changes (gitinfo.c, generated). */
extern const char cb_git_commit[];
extern const int  cb_git_dirty;

/* Print "concbench: <msg>" on stderr and return EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Raise the open-file limit to its hard maximum. Returns the new soft
 * limit (0 when unknown). */
uint64_t raise_nofile_limit(void);

/* The options `run` itself takes (--workload, --workers, --json, ...). */
const struct opt *run_option_table(void);

/* Check the plug-in tables once at start-up: unique names, defaults that
 * parse, no option claimed twice. Returns 0, or prints what is wrong. */
int registry_check(void);

#endif
