/*
 * fixture.h: the deterministic file set the fixture server serves.
 *
 * File i of a set is named "flag-%03zu.bin", has a size between 1 and 36 KiB
 * drawn log-uniformly (many small files, a few larger, like small images),
 * and bytes from a PRNG; all of it a pure function of (seed, i). The server
 * serves these bodies and the tests regenerate them to compare what was
 * downloaded byte for byte.
 */
#ifndef CONCBENCH_FIXTURE_H
#define CONCBENCH_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#define FIXTURE_MIN_SIZE 1024u
#define FIXTURE_MAX_SIZE 36864u
#define FIXTURE_NAME_MAX 32

/* Size of file i. */
size_t fixture_size(uint64_t seed, size_t i);

/* Fill buf with the fixture_size(seed, i) bytes of file i. */
void fixture_fill(uint64_t seed, size_t i, unsigned char *buf);

/* Write file i's name into out (FIXTURE_NAME_MAX bytes). */
void fixture_name(size_t i, char *out);

/* Parse a name written by fixture_name back into its index, checking it is
 * below nfiles. Returns 0 or -ENOENT. */
int fixture_index(const char *name, size_t nfiles, size_t *i);

#endif
