/*
 * fuzz_links.c: libFuzzer target for get_links: any bytes, as an index
 * JSON or a URL list, must parse or be refused with a message, never crash,
 * leak or read out of bounds; what parses must hold only http(s) URLs.
 */
#include "links.h"

#include <curl/curl.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        ready = 1;
    }
    struct links l = {0};
    char         err[256];
    if (links_parse((const char *)data, size, "http://127.0.0.1:8080/api/index.json", &l, err,
                    sizeof(err)) == 0) {
        if (l.n == 0)
            abort();
        for (size_t i = 0; i < l.n; i++)
            if (strncasecmp(l.v[i].url, "http://", 7) != 0 &&
                strncasecmp(l.v[i].url, "https://", 8) != 0)
                abort();
        links_free(&l);
    } else if (err[0] == '\0' || l.v != NULL) {
        abort(); /* a refusal always says why and leaves nothing behind */
    }
    return 0;
}
