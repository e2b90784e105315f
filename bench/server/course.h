/*
 * course.h: the course's APIs, spoken by the fixture server at the paths
 * the notebooks call, so their programs run against `concbench serve`
 * with nothing changed but the base URL:
 *
 *   GET  /flags/CC/CC.gif          a GIF per country code (the 20 of the
 *                                  course and Fluent Python, and the rest of
 *                                  the 194 the book's flags2 -a reads)
 *   GET  /flags/CC/metadata.json   {"country", "cc"}, as flags3 reads it
 *   GET  /3/gallery/random/random/ imgur's gallery: {"data": [{"id", "title",
 *                                  "type", "link", "size", ...}]}; needs
 *                                  "Authorization: Client-ID <anything>"
 *   GET  /i/NAME                   a gallery image (GIF, PNG or JPEG)
 *   POST /api/token                Spotify's client-credentials token
 *   GET  /v1/albums/ID/tracks      an album's tracks; needs that token
 *   GET  /course/index.json        every file above that has a fixed body,
 *                                  with size and checksum, for concbench
 *
 * Bodies that never change are made once (course_new); the gallery and
 * the tracks name the address the request came to (its Host), so they are
 * made per request.
 */
#ifndef CONCBENCH_COURSE_H
#define CONCBENCH_COURSE_H

#include <stddef.h>
#include <stdint.h>

struct course;

/* What to answer. body is the course's own (static: owned == 0) or the
 * caller's to free (owned == 1). */
struct course_reply {
    int         status;
    const char *type;
    const char *body;
    size_t      len;
    int         owned;
};

/* The course's fixed bodies for seed. NULL when out of memory. */
struct course *course_new(uint64_t seed);
void           course_free(struct course *c);

/* Answer a request, if it is one of the course's: method ("GET", "HEAD",
 * "POST"), path, the Authorization header (or NULL), the request body
 * (form fields for the token), and host, the Host the request names
 * ("127.0.0.1:8080"). Returns 1 with *out filled, or 0: not the course's. */
int course_route(const struct course *c, const char *method, const char *path, const char *auth,
                 const char *body, size_t body_len, const char *host, struct course_reply *out);

/* How many country codes, and code k (upper case). */
size_t      course_ncodes(void);
const char *course_code(size_t k);

#endif
