/*
 * save.h: the download directory and atomic saves into it.
 *
 * A file is written under a temporary name in the same directory and
 * renamed into place only when every byte is written; on any error the
 * temporary is unlinked. A reader therefore sees a complete file or none.
 * No fsync: the guarantee is against partial files from failed transfers
 * and interrupted runs, not against power loss (an fsync per file would
 * dominate the timings this tool exists to measure).
 *
 * Thread-safety: every function is safe to call concurrently (temporary
 * names carry the pid and a per-process sequence number).
 */
#ifndef CONCBENCH_SAVE_H
#define CONCBENCH_SAVE_H

#include <stddef.h>

/* Longest file name save_name_from_url produces. */
#define SAVE_NAME_MAX 200

/* Create dir (and its parents) if missing and check it is a writable
 * directory. Returns 0 or -errno. */
int save_dir_prepare(const char *dir);

/* Write len bytes of data to dir/name atomically. name must be a plain
 * file name (see save_name_valid). Returns 0 or -errno; on error nothing
 * is left behind. */
int save_atomic(const char *dir, const char *name, const void *data, size_t len);

/* Write len bytes of data to path atomically (temporary beside it, then
 * rename). Returns 0 or -errno; on error nothing is left behind. */
int save_path_atomic(const char *path, const void *data, size_t len);

/* 1 when name is a plain, safe file name: not empty, not "." or "..", no
 * '/', no NUL, not starting with '.', at most SAVE_NAME_MAX bytes. */
int save_name_valid(const char *name);

/* The file name for a URL: its last path segment (query and fragment
 * dropped, %XX left as is). Writes into out (SAVE_NAME_MAX + 1 bytes).
 * Returns 0, or -EINVAL when the URL has no usable segment. */
int save_name_from_url(const char *url, char *out);

#endif
