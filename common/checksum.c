/*
 * checksum.c: XXH3-64 and its string form.
 */
#include "checksum.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

void checksum_format(const void *data, size_t len, char *out)
{
    snprintf(out, CHECKSUM_STRLEN + 1, CHECKSUM_PREFIX "%016llx",
             (unsigned long long)XXH3_64bits(data, len));
}

int checksum_supported(const char *checksum)
{
    const size_t plen = sizeof(CHECKSUM_PREFIX) - 1;
    if (strlen(checksum) != CHECKSUM_STRLEN || strncmp(checksum, CHECKSUM_PREFIX, plen) != 0)
        return 0;
    return strspn(checksum + plen, "0123456789abcdefABCDEF") == 16;
}

int checksum_matches(const char *checksum, const void *data, size_t len)
{
    char got[CHECKSUM_STRLEN + 1];
    checksum_format(data, len, got);
    return strcasecmp(got, checksum) == 0;
}
