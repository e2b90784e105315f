/*
 * checksum.c: XXH3-64, whole or streaming, and its string form.
 */
#include "checksum.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

void checksum_format(const void *data, size_t len, char *out)
{
    snprintf(out, CHECKSUM_STRLEN + 1, CHECKSUM_PREFIX "%016llx",
             (unsigned long long)XXH3_64bits(data, len));
}

enum checksum_kind checksum_parse(const char *s, uint64_t *value)
{
    const size_t plen = sizeof(CHECKSUM_PREFIX) - 1;
    if (s == NULL)
        return CHECKSUM_NONE;
    if (strncasecmp(s, CHECKSUM_PREFIX, plen) != 0)
        return CHECKSUM_UNKNOWN;
    const char *hex = s + plen;
    if (strlen(hex) != 16 || strspn(hex, "0123456789abcdefABCDEF") != 16)
        return CHECKSUM_MALFORMED;
    *value = strtoull(hex, NULL, 16);
    return CHECKSUM_XXH3;
}

struct checksum_state *checksum_new(void)
{
    return (struct checksum_state *)XXH3_createState();
}

void checksum_free(struct checksum_state *st)
{
    XXH3_freeState((XXH3_state_t *)st);
}

void checksum_reset(struct checksum_state *st)
{
    XXH3_64bits_reset((XXH3_state_t *)st);
}

void checksum_update(struct checksum_state *st, const void *data, size_t len)
{
    XXH3_64bits_update((XXH3_state_t *)st, data, len);
}

uint64_t checksum_digest(const struct checksum_state *st)
{
    return XXH3_64bits_digest((const XXH3_state_t *)st);
}
