/*
 * links.h: get_links: the list of files to download, with what each should
 * be.
 *
 * Two sources: an index JSON shaped like an image-gallery API,
 *     {"data":[{"link":"http://...","size":1234,"checksum":"xxh3:..."}]}
 * (size and checksum optional, relative links resolved against the index
 * URL), or a plain text list of URLs, one a line ('#' comments and blank
 * lines skipped). Only http and https URLs are accepted.
 *
 * Thread-safety: none needed; links are read once, before any strategy runs.
 */
#ifndef CONCBENCH_LINKS_H
#define CONCBENCH_LINKS_H

#include <stddef.h>

struct link {
    char     *url;
    long long size;     /* expected bytes, -1 when unknown */
    char     *checksum; /* expected checksum string, NULL when unknown */
    long      delay_ms; /* this file's own delay (serve --delays), -1: the index's */
};

struct links {
    struct link *v;
    size_t       n;
    long         delay_ms; /* the server's delay per reply, when the index
                            * says ("delay_ms", as concbench serve's does);
                            * -1 when unknown */
};

/* The latency bound of downloading l with `workers` workers that take the
 * links in order, each the next one as soon as it is free (a pool, an event
 * loop with that many in flight): the time the last one ends if every
 * transfer took exactly its delay. ceil(n / workers) x delay when every
 * file waits the same; with uneven delays (2, 2, 5 at 2 workers: 7, not 5)
 * it is the in-order schedule's, which is what the course's
 * ThreadPoolExecutor lesson shows. Seconds; 0 when a delay is unknown. */
double links_bound_s(const struct links *l, unsigned workers);

/* Where the links are in an index of another shape, and which to keep:
 *   path     "ARRAY[].LINK": the dotted path of the array of items (empty
 *            for a top-level array), "[]", then the dotted path of the
 *            link within an item. The default, "data[].link", is concbench
 *            serve's shape and an image-gallery API's.
 *   filters  "KEY=GLOB": keep the items whose KEY (a dotted path within the
 *            item) is a string matching GLOB (fnmatch: *, ?, [...]); all
 *            of them must match (e.g. "type=image/" and a star)
 * An item's "size", "checksum" and "delay_ms", when it has them, are read
 * as in the default shape. */
struct links_shape {
    const char        *path;
    const char *const *filters;
    unsigned           nfilters;
};
#define LINKS_DEFAULT_PATH "data[].link"

/* Check a path's form. Returns 0 or -EINVAL with a message. */
int links_shape_check(const struct links_shape *shape, char *err, size_t errsz);

/* Largest index or list accepted, in bytes and in entries. */
#define LINKS_MAX_BYTES   (64u << 20)
#define LINKS_MAX_ENTRIES 1000000u

/* Parse an index JSON (len bytes, need not be NUL-terminated). base is the
 * URL the index came from, for relative links; may be NULL. On error fills
 * err and returns -EINVAL (or -ENOMEM); *out is untouched. */
int links_parse_json(const char *text, size_t len, const char *base, struct links *out, char *err,
                     size_t errsz);
/* The same with a shape (NULL: the default). An index whose filters keep
 * nothing is an error that says how many items there were. */
int links_parse_json_shaped(const char *text, size_t len, const char *base,
                            const struct links_shape *shape, struct links *out, char *err,
                            size_t errsz);

/* Parse a URL list, one a line. Errors as links_parse_json. */
int links_parse_list(const char *text, size_t len, struct links *out, char *err, size_t errsz);

/* Parse text as JSON when its first non-blank byte is '{', else as a list. */
int links_parse(const char *text, size_t len, const char *base, struct links *out, char *err,
                size_t errsz);

/* Read a file and parse it with links_parse (a JSON index with shape,
 * NULL: the default). */
int links_load_file(const char *path, struct links *out, char *err, size_t errsz);
int links_load_file_shaped(const char *path, const struct links_shape *shape, struct links *out,
                           char *err, size_t errsz);

/* Download url (blocking, one temporary handle that is cleaned up before
 * return) and parse it with links_parse (a JSON index with shape). headers
 * (a curl_slist, may be NULL) go with the request. */
struct curl_slist;
int links_load_url(const char *url, const struct curl_slist *headers,
                   const struct links_shape *shape, struct links *out, char *err, size_t errsz);

void links_free(struct links *l);

#endif
