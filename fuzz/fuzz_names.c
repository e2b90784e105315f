/*
 * fuzz_names.c: libFuzzer target for the link-to-file-name mapping. Any
 * URL, raw or after get_links' normalisation, must map to a plain name
 * that cannot leave --out (no '/', not "." or "..", not hidden, not empty,
 * not too long), or be refused.
 */
#include "links.h"
#include "save.h"

#include <curl/curl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const char *url)
{
    char name[SAVE_NAME_MAX + 1];
    memset(name, 0x55, sizeof(name));
    if (save_name_from_url(url, name) != 0)
        return;
    size_t n = strnlen(name, sizeof(name));
    if (n == 0 || n > SAVE_NAME_MAX || strchr(name, '/') != NULL || name[0] == '.' ||
        strcmp(name, "..") == 0 || !save_name_valid(name))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        ready = 1;
    }
    char *url = malloc(size + 1);
    if (url == NULL)
        return 0;
    memcpy(url, data, size);
    url[size] = '\0'; /* stops at the first NUL: a C string, as a link is */
    check_name(url);

    struct links l = {0};
    char         err[256];
    if (links_parse_list(url, strlen(url), &l, err, sizeof(err)) == 0) {
        for (size_t i = 0; i < l.n; i++)
            check_name(l.v[i].url);
        links_free(&l);
    }
    free(url);
    return 0;
}
