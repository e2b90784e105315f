/*
 * util.h: strict number parsing and small error-message helpers shared by
 * the command line and the workloads.
 */
#ifndef CONCBENCH_UTIL_H
#define CONCBENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Parse all of s as a decimal unsigned integer in [min, max]. No sign, no
 * trailing junk, no overflow. Returns 0, or -EINVAL / -ERANGE. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* Parse all of s as a finite double in [min, max]. Returns 0 or -EINVAL /
 * -ERANGE. */
int parse_double(const char *s, double min, double max, double *out);

/* snprintf into err (errsz bytes) and return -EINVAL; for "return an error
 * with a message" in one line. err may be NULL. */
int errf(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The same, returning code (a negative errno): -ENOMEM stays -ENOMEM. */
int errc(int code, char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Copy src into dst (dstsz bytes, NUL-terminated, cut short if need be),
 * with control characters and non-ASCII bytes written as \xNN escapes:
 * text from a server or an index is never printed raw to a terminal. */
void str_escape(char *dst, size_t dstsz, const char *src);

/* Read a whole file into a NUL-terminated heap buffer. Refuses files over
 * limit bytes. Returns 0 or -errno (-EFBIG when over the limit). */
int read_file(const char *path, size_t limit, char **data, size_t *len);

#endif
