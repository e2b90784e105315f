/*
 * save.c: mkdir -p, then temp file + rename.
 */
#include "save.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int save_dir_prepare(const char *dir)
{
    char path[PATH_MAX];
    if (dir == NULL || dir[0] == '\0')
        return -EINVAL;
    if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
        return -ENAMETOOLONG;
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return -errno;
    struct stat st;
    if (stat(path, &st) != 0)
        return -errno;
    if (!S_ISDIR(st.st_mode))
        return -ENOTDIR;
    if (access(path, W_OK | X_OK) != 0)
        return -errno;
    return 0;
}

int save_name_valid(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n <= SAVE_NAME_MAX && name[0] != '.' && strchr(name, '/') == NULL;
}

int save_name_from_url(const char *url, char *out)
{
    size_t end = strcspn(url, "?#");
    size_t start = end;
    while (start > 0 && url[start - 1] != '/')
        start--;
    size_t n = end - start;
    /* No segment after the last '/', or the '/' belongs to "scheme://". */
    if (n == 0 || n > SAVE_NAME_MAX || start < 2 || url[start - 2] == '/')
        return -EINVAL;
    memcpy(out, url + start, n);
    out[n] = '\0';
    return save_name_valid(out) ? 0 : -EINVAL;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Create a new temporary file beside dir/name, named
 * ".NAME.PID.SEQ.tmp": unique across threads (the sequence number) and
 * processes (the pid), hidden, and recognisable as ours. O_EXCL makes a
 * leftover from an earlier crashed run a retry, never a reuse. */
static int open_temp(const char *dir, const char *name, char *tmp, size_t tmpsz)
{
    static unsigned long seq;
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned long n = __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED);
        if (snprintf(tmp, tmpsz, "%s/.%s.%ld.%lu.tmp", dir, name, (long)getpid(), n) >=
            (int)tmpsz)
            return -ENAMETOOLONG;
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0 || errno != EEXIST)
            return fd >= 0 ? fd : -errno;
    }
    return -EEXIST;
}

/* Write data to dir/name through a temporary in dir. */
static int write_atomic(const char *dir, const char *name, const void *data, size_t len)
{
    char final[PATH_MAX], tmp[PATH_MAX];
    if (snprintf(final, sizeof(final), "%s/%s", dir, name) >= (int)sizeof(final))
        return -ENAMETOOLONG;

    int fd = open_temp(dir, name, tmp, sizeof(tmp));
    if (fd < 0)
        return fd;
    int rc = write_all(fd, data, len);
    if (close(fd) != 0 && rc == 0)
        rc = -errno;
    if (rc == 0 && rename(tmp, final) != 0)
        rc = -errno;
    if (rc != 0)
        unlink(tmp);
    return rc;
}

int save_atomic(const char *dir, const char *name, const void *data, size_t len)
{
    if (!save_name_valid(name))
        return -EINVAL;
    return write_atomic(dir, name, data, len);
}

int save_path_atomic(const char *path, const void *data, size_t len)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    size_t dlen = slash ? (size_t)(slash - path) : 1;
    if (*name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return -EISDIR;
    if (dlen >= sizeof(dir))
        return -ENAMETOOLONG;
    if (slash == path)
        strcpy(dir, "/");
    else if (slash)
        snprintf(dir, sizeof(dir), "%.*s", (int)dlen, path);
    else
        strcpy(dir, ".");
    return write_atomic(dir, name, data, len);
}
