/*
 * opts.c: option parsing helpers shared by the subcommands.
 */
#include "cli.h"

#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/resource.h>

int usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("concbench: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return EXIT_USAGE;
}

int opt_u64(const char *flag, const char *val, uint64_t min, uint64_t max, uint64_t *out)
{
    int rc = parse_u64(val, min, max, out);
    if (rc == -EINVAL)
        usage_error("%s: '%s' is not a whole number", flag, val);
    else if (rc != 0)
        usage_error("%s: %s is out of range (%llu..%llu)", flag, val, (unsigned long long)min,
                    (unsigned long long)max);
    return rc == 0 ? 0 : -1;
}

int opt_double(const char *flag, const char *val, double min, double max, double *out)
{
    int rc = parse_double(val, min, max, out);
    if (rc == -EINVAL)
        usage_error("%s: '%s' is not a number", flag, val);
    else if (rc != 0)
        usage_error("%s: %s is out of range (%g..%g)", flag, val, min, max);
    return rc == 0 ? 0 : -1;
}

void raise_nofile_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}
