/*
 * save.h: the download directory, and files written so that a reader sees
 * a complete file or none.
 *
 * A file is written as it streams in, into an unnamed temporary file in
 * the target directory (O_TMPFILE), and given its name only when every
 * byte is written (linkat; when the name exists, through a temporary name
 * and rename). An unnamed file needs no clean-up: if the process dies or
 * the transfer fails, it vanishes with its descriptor. Where the
 * filesystem has no O_TMPFILE, the temporary is a hidden named file
 * (".NAME.PID.SEQ.tmp"), renamed into place or unlinked on any error.
 *
 * No fsync: the guarantee is against partial files from failed transfers
 * and interrupted runs, not against power loss (an fsync per file would
 * dominate the timings this tool exists to measure).
 *
 * Thread-safety: every function may run concurrently on different files.
 */
#ifndef CONCBENCH_SAVE_H
#define CONCBENCH_SAVE_H

#include <limits.h>
#include <stdatomic.h>
#include <stddef.h>

/* Longest file name save_name_from_url produces. */
#define SAVE_NAME_MAX 200

struct save_dir {
    int        fd;         /* the directory, open */
    atomic_int no_tmpfile; /* O_TMPFILE refused once: named temporaries from then on */
    char       path[PATH_MAX];
};

/* A file being written. */
struct save_file {
    int  fd;
    char tmp[SAVE_NAME_MAX + 64]; /* its temporary name, "" when unnamed */
};

/* Create dir (and its parents) if missing, check it is a writable
 * directory, and open it. Returns 0 or -errno. */
int  save_dir_open(const char *dir, struct save_dir *d);
void save_dir_close(struct save_dir *d);

/* The kind of filesystem d is on ("ext4", "tmpfs", ...; "0x..." when the
 * magic number is not one this knows, "unknown" when it cannot be read):
 * results record it, since saving to a disk costs what a tmpfs does not. */
const char *save_dir_fs(const struct save_dir *d, char *buf, size_t bufsz);

/* Start a file that will be called name in d. Returns 0 or -errno. */
int save_open(struct save_dir *d, const char *name, struct save_file *f);

/* Append len bytes. Returns 0 or -errno. */
int save_write(struct save_file *f, const void *data, size_t len);

/* Give the file its name, replacing any file of that name, and close it.
 * Returns 0 or -errno; on error nothing is left behind. */
int save_commit(struct save_file *f, struct save_dir *d, const char *name);

/* Drop the file: close it, and remove its temporary name if it has one. */
void save_abort(struct save_file *f, struct save_dir *d);

/* Write len bytes of data to dir/name atomically (whole, in one call).
 * name must be a plain file name (see save_name_valid). Returns 0 or
 * -errno; on error nothing is left behind. */
int save_atomic(const char *dir, const char *name, const void *data, size_t len);

/* The same for a path (its directory must exist). */
int save_path_atomic(const char *path, const void *data, size_t len);

/* 1 when name is a plain, safe file name: not empty, not "." or "..", no
 * '/', no control character, not starting with '.', at most SAVE_NAME_MAX
 * bytes. */
int save_name_valid(const char *name);

/* The file name for a URL: its last path segment (query and fragment
 * dropped, %XX left as is). Writes into out (SAVE_NAME_MAX + 1 bytes).
 * Returns 0, or -EINVAL when the URL has no usable segment. */
int save_name_from_url(const char *url, char *out);

#endif
