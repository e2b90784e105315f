/*
 * checksum.h: the content checksum the fixture server's index carries and
 * the io workload checks.
 *
 * The format is "xxh3:<16 hex digits>": XXH3, 64 bit (libxxhash). It
 * detects corruption and truncation at memory speed, so verifying every
 * download costs the I/O workload almost nothing; it is not a cryptographic
 * hash. Indexes from other servers may carry other algorithms: those are
 * reported as unchecked, never as verified.
 */
#ifndef CONCBENCH_CHECKSUM_H
#define CONCBENCH_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#define CHECKSUM_PREFIX "xxh3:"
#define CHECKSUM_STRLEN (sizeof(CHECKSUM_PREFIX) - 1 + 16)

/* Write the "xxh3:..." form of data's checksum into out (at least
 * CHECKSUM_STRLEN + 1 bytes). Thread-safe. */
void checksum_format(const void *data, size_t len, char *out);

/* 1 if the checksum string names an algorithm this module computes. */
int checksum_supported(const char *checksum);

/* 1 when data matches the checksum string, 0 when it does not. Call only
 * for supported strings. Thread-safe. */
int checksum_matches(const char *checksum, const void *data, size_t len);

#endif
