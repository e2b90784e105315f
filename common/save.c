/*
 * save.c: mkdir -p; unnamed temporary files given a name at the end.
 */
#include "save.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

static int mkdir_p(const char *dir)
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
    return 0;
}

int save_dir_open(const char *dir, struct save_dir *d)
{
    int rc = mkdir_p(dir);
    if (rc != 0)
        return rc;
    struct stat st;
    if (stat(dir, &st) != 0)
        return -errno;
    if (!S_ISDIR(st.st_mode))
        return -ENOTDIR;
    if (access(dir, W_OK | X_OK) != 0)
        return -errno;
    *d = (struct save_dir){.fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (d->fd < 0)
        return -errno;
    snprintf(d->path, sizeof(d->path), "%s", dir);
    return 0;
}

void save_dir_close(struct save_dir *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
}

int save_name_valid(const char *name)
{
    size_t n = strlen(name);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0; /* a control character in a file name is trouble waiting */
    return n > 0 && n <= SAVE_NAME_MAX && name[0] != '.' && strchr(name, '/') == NULL;
}

int save_name_from_url(const char *url, char *out)
{
    size_t end   = strcspn(url, "?#");
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

/* A new hidden name beside name: ".NAME.PID.SEQ.tmp", unique across
 * threads (the sequence number) and processes (the pid). */
static void temp_name(const char *name, char *out, size_t outsz)
{
    static atomic_ulong seq;
    unsigned long       n = atomic_fetch_add_explicit(&seq, 1, memory_order_relaxed);
    snprintf(out, outsz, ".%s.%ld.%lu.tmp", name, (long)getpid(), n);
}

/* A named temporary; O_EXCL makes a leftover of a crashed run a retry,
 * never a reuse. */
static int open_named(struct save_dir *d, const char *name, struct save_file *f)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        temp_name(name, f->tmp, sizeof(f->tmp));
        f->fd = openat(d->fd, f->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (f->fd >= 0 || errno != EEXIST)
            return f->fd >= 0 ? 0 : -errno;
    }
    return -EEXIST;
}

int save_open(struct save_dir *d, const char *name, struct save_file *f)
{
    f->tmp[0] = '\0';
    if (!atomic_load_explicit(&d->no_tmpfile, memory_order_relaxed)) {
        f->fd = openat(d->fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
        if (f->fd >= 0)
            return 0;
        if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
            return -errno;
        atomic_store_explicit(&d->no_tmpfile, 1, memory_order_relaxed);
    }
    return open_named(d, name, f);
}

int save_write(struct save_file *f, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(f->fd, p, len);
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

/* Name an unnamed file. linkat with AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH;
 * without it, the /proc/self/fd link does the same. Which one works is
 * learnt once. */
static int link_unnamed(int fd, int dirfd, const char *name)
{
    static atomic_int use_proc;
    if (!atomic_load_explicit(&use_proc, memory_order_relaxed)) {
        if (linkat(fd, "", dirfd, name, AT_EMPTY_PATH) == 0)
            return 0;
        if (errno != ENOENT && errno != EPERM)
            return -errno;
        atomic_store_explicit(&use_proc, 1, memory_order_relaxed);
    }
    char proc[64];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW) == 0 ? 0 : -errno;
}

int save_commit(struct save_file *f, struct save_dir *d, const char *name)
{
    int rc = 0;
    if (f->tmp[0] == '\0') {
        rc = link_unnamed(f->fd, d->fd, name);
        if (rc == -EEXIST) { /* replace it atomically: a temporary name, then rename */
            temp_name(name, f->tmp, sizeof(f->tmp));
            rc = link_unnamed(f->fd, d->fd, f->tmp);
            if (rc != 0)
                f->tmp[0] = '\0';
        }
    }
    if (f->tmp[0] != '\0' && rc == 0 && renameat(d->fd, f->tmp, d->fd, name) != 0)
        rc = -errno;
    if (close(f->fd) != 0 && rc == 0)
        rc = -errno;
    f->fd = -1;
    if (rc != 0 && f->tmp[0] != '\0')
        unlinkat(d->fd, f->tmp, 0);
    return rc;
}

void save_abort(struct save_file *f, struct save_dir *d)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    if (f->tmp[0] != '\0')
        unlinkat(d->fd, f->tmp, 0);
    f->tmp[0] = '\0';
}

static int write_whole(struct save_dir *d, const char *name, const void *data, size_t len)
{
    struct save_file f;
    int              rc = save_open(d, name, &f);
    if (rc != 0)
        return rc;
    if ((rc = save_write(&f, data, len)) != 0) {
        save_abort(&f, d);
        return rc;
    }
    return save_commit(&f, d, name);
}

/* write_whole into the directory at path dir. */
static int write_in(const char *dir, const char *name, const void *data, size_t len)
{
    struct save_dir d = {.fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (d.fd < 0)
        return -errno;
    int rc = write_whole(&d, name, data, len);
    close(d.fd);
    return rc;
}

int save_atomic(const char *dir, const char *name, const void *data, size_t len)
{
    if (!save_name_valid(name))
        return -EINVAL;
    return write_in(dir, name, data, len);
}

int save_path_atomic(const char *path, const void *data, size_t len)
{
    char        dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    const char *name  = slash ? slash + 1 : path;
    size_t      dlen  = slash ? (size_t)(slash - path) : 1;
    if (*name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return -EISDIR;
    if (dlen >= sizeof(dir) || strlen(name) > SAVE_NAME_MAX)
        return -ENAMETOOLONG;
    if (slash == path)
        strcpy(dir, "/");
    else if (slash)
        snprintf(dir, sizeof(dir), "%.*s", (int)dlen, path);
    else
        strcpy(dir, ".");
    return write_in(dir, name, data, len);
}

const char *save_dir_fs(const struct save_dir *d, char *buf, size_t bufsz)
{
    static const struct {
        unsigned long magic;
        const char   *name;
    } known[] = {
        {0xEF53, "ext4"},      {0x01021994, "tmpfs"},     {0x58465342, "xfs"},
        {0x9123683E, "btrfs"}, {0x794C7630, "overlayfs"}, {0x6969, "nfs"},
        {0x2FC12FC1, "zfs"},   {0xF2F52010, "f2fs"},      {0x65735546, "fuse"},
        {0x858458F6, "ramfs"}, {0x4d44, "vfat"},          {0x5346544e, "ntfs"},
    };
    struct statfs sf;
    if (d->fd < 0 || fstatfs(d->fd, &sf) != 0) {
        snprintf(buf, bufsz, "unknown");
        return buf;
    }
    for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
        if ((unsigned long)sf.f_type == known[k].magic) {
            snprintf(buf, bufsz, "%s", known[k].name);
            return buf;
        }
    snprintf(buf, bufsz, "0x%lx", (unsigned long)sf.f_type);
    return buf;
}
