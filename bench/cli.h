/*
 * cli.h: the concbench subcommands and the option helpers they share.
 *
 * Exit codes everywhere: 0 success, 1 the run finished but some task failed
 * or did not verify, 2 a usage or setup error (one line on stderr).
 */
#ifndef CONCBENCH_CLI_H
#define CONCBENCH_CLI_H

#include <cjson/cJSON.h>
#include <stdint.h>

#define EXIT_FAILED 1
#define EXIT_USAGE  2

int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_info(int argc, char **argv);

/* Add the machine/build description every result carries to obj. */
void machine_json(cJSON *obj);

/* Print "concbench: <msg>" on stderr and return EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse the value of flag as an integer in [min, max]. On error prints a
 * one-line message naming the flag and returns -1. */
int opt_u64(const char *flag, const char *val, uint64_t min, uint64_t max, uint64_t *out);

/* Same for a finite real number. */
int opt_double(const char *flag, const char *val, double min, double max, double *out);

/* Raise the open-file limit to its hard maximum (for thousands of sockets). */
void raise_nofile_limit(void);

#endif
