/*
 * util.c: strict parsing, error formatting, whole-file reads.
 */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    if (s == NULL || !isdigit((unsigned char)s[0]))
        return -EINVAL;
    errno = 0;
    char              *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0')
        return -EINVAL;
    if (errno == ERANGE || v < min || v > max)
        return -ERANGE;
    *out = v;
    return 0;
}

int parse_double(const char *s, double min, double max, double *out)
{
    if (s == NULL || *s == '\0' || isspace((unsigned char)s[0]))
        return -EINVAL;
    errno = 0;
    char  *end;
    double v = strtod(s, &end);
    if (*end != '\0' || !isfinite(v))
        return -EINVAL;
    if (errno == ERANGE || v < min || v > max)
        return -ERANGE;
    *out = v;
    return 0;
}

int errf(char *err, size_t errsz, const char *fmt, ...)
{
    if (err != NULL && errsz > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errsz, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

int errc(int code, char *err, size_t errsz, const char *fmt, ...)
{
    if (err != NULL && errsz > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errsz, fmt, ap);
        va_end(ap);
    }
    return code;
}

void str_escape(char *dst, size_t dstsz, const char *src)
{
    size_t used = 0;
    if (dstsz == 0)
        return;
    for (const unsigned char *p = (const unsigned char *)src; *p != '\0'; p++) {
        char   esc[5];
        size_t len = 1;
        if (*p < 0x20 || *p >= 0x7f || *p == '\\') {
            snprintf(esc, sizeof(esc), "\\x%02x", *p);
            len = 4;
        } else {
            esc[0] = (char)*p;
        }
        if (used + len >= dstsz)
            break;
        memcpy(dst + used, esc, len);
        used += len;
    }
    dst[used] = '\0';
}

int read_file(const char *path, size_t limit, char **data, size_t *len)
{
    /* O_NONBLOCK: a FIFO (or a device) must be refused, not waited on in
     * open() for a writer that may never come. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    FILE *f = fdopen(fd, "rb");
    if (f == NULL) {
        int e = errno;
        close(fd);
        return -e;
    }
    int         rc  = 0;
    char       *buf = NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        rc = -errno;
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = -EINVAL;
        goto out;
    }
    if ((size_t)st.st_size > limit) {
        rc = -EFBIG;
        goto out;
    }
    size_t n = (size_t)st.st_size;
    buf      = malloc(n + 1);
    if (buf == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    if (fread(buf, 1, n, f) != n) {
        rc = ferror(f) ? -EIO : -EINVAL;
        goto out;
    }
    buf[n] = '\0';
    *data  = buf;
    *len   = n;
    buf    = NULL;
out:
    free(buf);
    fclose(f);
    return rc;
}
