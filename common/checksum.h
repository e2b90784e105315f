/*
 * checksum.h: the content checksum the fixture server's index carries and
 * the io workload checks, computed as the body streams in.
 *
 * The format is "xxh3:<16 hex digits>": XXH3, 64 bit (libxxhash). It
 * detects corruption and truncation at memory speed, so verifying every
 * download costs almost nothing; it is not a cryptographic hash. An index
 * may carry other algorithms ("sha256:..."): those are counted as
 * unverifiable, never reported as verified. A malformed checksum of the
 * one algorithm we compute ("xxh3:12" or "xxh3:zz...") is a broken index.
 */
#ifndef CONCBENCH_CHECKSUM_H
#define CONCBENCH_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#define CHECKSUM_PREFIX "xxh3:"
#define CHECKSUM_STRLEN (sizeof(CHECKSUM_PREFIX) - 1 + 16)

enum checksum_kind {
    CHECKSUM_NONE,      /* no checksum given */
    CHECKSUM_XXH3,      /* one we compute; the value is in *value */
    CHECKSUM_UNKNOWN,   /* any other string: an algorithm we do not compute */
    CHECKSUM_MALFORMED, /* "xxh3:" but not 16 hex digits */
};

/* Classify s (NULL: none). The prefix is matched without regard to case,
 * and hex digits of either case are accepted. */
enum checksum_kind checksum_parse(const char *s, uint64_t *value);

/* Write the "xxh3:..." form of data's checksum into out (at least
 * CHECKSUM_STRLEN + 1 bytes). Thread-safe. */
void checksum_format(const void *data, size_t len, char *out);

/* A running checksum, fed as the bytes arrive. One per worker. */
struct checksum_state;

struct checksum_state *checksum_new(void); /* NULL on out of memory */
void                   checksum_free(struct checksum_state *st);
void                   checksum_reset(struct checksum_state *st);
void                   checksum_update(struct checksum_state *st, const void *data, size_t len);
uint64_t               checksum_digest(const struct checksum_state *st);

#endif
