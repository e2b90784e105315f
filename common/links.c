/*
 * links.c: index JSON (cJSON) and URL lists into struct links.
 */
#include "links.h"

#include "fetch.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void links_free(struct links *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].url);
        free(l->v[i].checksum);
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* cJSON refuses nesting deeper than CJSON_NESTING_LIMIT; say so rather
 * than "not valid JSON". Scans text up to len for the deepest [ or {
 * outside strings. */
/* Does a JSON string in text[0..len) hold \u0000? cJSON would hand it
 * back cut short at that NUL, so a link would silently lose its tail. An
 * escaped backslash ("\\u0000") is not one. */
static int has_nul_escape(const char *text, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (text[i] != '\\')
            continue;
        if (text[i + 1] == 'u' && i + 5 < len && memcmp(text + i + 2, "0000", 4) == 0)
            return 1;
        i++; /* the escaped character, whatever it is */
    }
    return 0;
}

static int too_deep(const char *text, size_t len)
{
    size_t depth = 0, in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > CJSON_NESTING_LIMIT)
                return 1;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return 0;
}

/* Resolve url against base (when given) and check its scheme. Returns a
 * heap string or NULL with err filled. */
static char *url_resolve(const char *url, const char *base, char *err, size_t errsz)
{
    CURLU *u   = curl_url();
    char  *out = NULL, *scheme = NULL, shown[256];
    str_escape(shown, sizeof(shown), url);
    if (u == NULL) {
        errf(err, errsz, "out of memory");
        return NULL;
    }
    if (base != NULL && curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK)
        base = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
        errf(err, errsz, "invalid URL '%s'", shown);
        goto done;
    }
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)) {
        errf(err, errsz, "unsupported scheme in '%s' (only http and https)", shown);
        goto done;
    }
    if (curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK) {
        errf(err, errsz, "invalid URL '%s'", shown);
        out = NULL;
        goto done;
    }
    /* Hand back a malloc'd copy so links_free can use free(). */
    {
        char *copy = strdup(out);
        curl_free(out);
        out = copy;
    }
done:
    curl_free(scheme);
    curl_url_cleanup(u);
    return out;
}

static int links_reserve(struct links *l, size_t *cap)
{
    if (l->n < *cap)
        return 0;
    size_t       ncap = *cap ? *cap * 2 : 64;
    struct link *v    = realloc(l->v, ncap * sizeof(*v));
    if (v == NULL)
        return -ENOMEM;
    l->v = v;
    *cap = ncap;
    return 0;
}

/* Follow a dotted path ("a.b.c", or "" for obj itself) of object keys. */
static const cJSON *at_path(const cJSON *obj, const char *path, size_t len)
{
    while (obj != NULL && len > 0) {
        const char *dot = memchr(path, '.', len);
        size_t      k   = dot ? (size_t)(dot - path) : len;
        char        key[128];
        if (k == 0 || k >= sizeof(key))
            return NULL;
        memcpy(key, path, k);
        key[k] = '\0';
        obj    = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
        path += k + (dot != NULL);
        len -= k + (dot != NULL);
    }
    return obj;
}

int links_shape_check(const struct links_shape *shape, char *err, size_t errsz)
{
    const char *p = shape && shape->path ? shape->path : LINKS_DEFAULT_PATH;
    const char *b = strstr(p, "[]");
    if (b == NULL || strstr(b + 2, "[]") != NULL || (b[2] != '.' && b[2] != '\0') ||
        (b > p && b[-1] == '.') || strstr(p, "..") != NULL || p[0] == '.')
        return errf(err, errsz,
                    "--links-path '%s': expected ARRAY[].LINK (one \"[]\"; e.g. data[].link, "
                    "[].url, result.items[].media.href)",
                    p);
    for (unsigned k = 0; shape && k < shape->nfilters; k++) {
        const char *eq = strchr(shape->filters[k], '=');
        if (eq == NULL || eq == shape->filters[k])
            return errf(err, errsz, "--filter '%s': expected KEY=GLOB (e.g. type=image/*)",
                        shape->filters[k]);
    }
    return 0;
}

/* Whether item passes every filter. */
static int kept(const cJSON *item, const struct links_shape *shape)
{
    for (unsigned k = 0; shape && k < shape->nfilters; k++) {
        const char  *f  = shape->filters[k];
        const char  *eq = strchr(f, '=');
        const cJSON *v  = at_path(item, f, (size_t)(eq - f));
        if (!cJSON_IsString(v) || fnmatch(eq + 1, v->valuestring, 0) != 0)
            return 0;
    }
    return 1;
}

/* Append data entry i of an index to l, its link at link_path within it.
 * Returns 0, or -EINVAL / -ENOMEM with a message. */
static int parse_entry(const cJSON *item, size_t i, const char *link_path, const char *base,
                       struct links *l, size_t *cap, char *err, size_t errsz)
{
    const cJSON *link = at_path(item, link_path, strlen(link_path));
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(item, "size");
    const cJSON *sum  = cJSON_GetObjectItemCaseSensitive(item, "checksum");
    const cJSON *wait = cJSON_GetObjectItemCaseSensitive(item, "delay_ms");
    if (!cJSON_IsObject(item) || !cJSON_IsString(link))
        return errf(err, errsz, "index entry %zu has no string \"%s\"", i, link_path);
    if (size != NULL && !cJSON_IsNull(size) &&
        (!cJSON_IsNumber(size) || size->valuedouble < 0 || size->valuedouble > 1e15 ||
         size->valuedouble != (double)(long long)size->valuedouble))
        return errf(err, errsz, "index entry %zu has an invalid \"size\"", i);
    if (sum != NULL && !cJSON_IsNull(sum) && !cJSON_IsString(sum))
        return errf(err, errsz, "index entry %zu has a non-string \"checksum\"", i);
    if (links_reserve(l, cap) != 0)
        return errc(-ENOMEM, err, errsz, "out of memory");
    struct link *k        = &l->v[l->n];
    char         why[256] = "";
    k->url                = url_resolve(link->valuestring, base, why, sizeof(why));
    k->size               = cJSON_IsNumber(size) ? (long long)size->valuedouble : -1;
    k->checksum           = cJSON_IsString(sum) ? strdup(sum->valuestring) : NULL;
    k->delay_ms = cJSON_IsNumber(wait) && wait->valuedouble >= 0 && wait->valuedouble < 1e9
                      ? (long)wait->valuedouble
                      : -1;
    l->n++; /* links_free owns whatever was set */
    if (k->url == NULL)
        return errf(err, errsz, "index entry %zu: %s", i, why);
    if (cJSON_IsString(sum) && k->checksum == NULL)
        return errc(-ENOMEM, err, errsz, "out of memory");
    return 0;
}

int links_parse_json(const char *text, size_t len, const char *base, struct links *out, char *err,
                     size_t errsz)
{
    return links_parse_json_shaped(text, len, base, NULL, out, err, errsz);
}

int links_parse_json_shaped(const char *text, size_t len, const char *base,
                            const struct links_shape *shape, struct links *out, char *err,
                            size_t errsz)
{
    struct links l   = {0};
    size_t       cap = 0;
    int          rc  = links_shape_check(shape, err, errsz);
    if (rc != 0)
        return rc;
    rc                   = -EINVAL;
    const char *path     = shape && shape->path ? shape->path : LINKS_DEFAULT_PATH;
    const char *brackets = strstr(path, "[]");
    const char *item_at  = brackets[2] == '.' ? brackets + 3 : brackets + 2;
    if (len > LINKS_MAX_BYTES)
        return errf(err, errsz, "index is %zu bytes, more than the %u allowed", len,
                    LINKS_MAX_BYTES);
    if (has_nul_escape(text, len))
        return errf(err, errsz, "index has a NUL character (\\u0000) in a string: a link "
                                "would be cut short there, so it is refused");
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (root == NULL) {
        size_t at = (size_t)(cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() - text : 0);
        if (too_deep(text, at < len ? at + 1 : len))
            return errf(err, errsz, "index is nested deeper than %d levels", CJSON_NESTING_LIMIT);
        return errf(err, errsz, "index is not valid JSON (near byte %zu)", at);
    }
    int default_shape = strcmp(path, LINKS_DEFAULT_PATH) == 0;
    if (default_shape && !cJSON_IsObject(root)) {
        errf(err, errsz, "index is not a JSON object");
        goto fail;
    }
    size_t       array_len = (size_t)(brackets - path);
    const cJSON *data      = at_path(root, path, array_len);
    if (!cJSON_IsArray(data)) {
        if (default_shape)
            errf(err, errsz, "index has no \"data\" array");
        else
            errf(err, errsz, "index has no array at \"%.*s\" (--links-path %s)", (int)array_len,
                 path, path);
        goto fail;
    }
    size_t count = (size_t)cJSON_GetArraySize(data);
    if (count == 0) {
        errf(err, errsz, "index \"%.*s\" array is empty", (int)array_len, path);
        goto fail;
    }
    if (count > LINKS_MAX_ENTRIES) {
        errf(err, errsz, "index lists %zu entries, more than the %u allowed", count,
             LINKS_MAX_ENTRIES);
        goto fail;
    }
    const cJSON *delay = cJSON_GetObjectItemCaseSensitive(root, "delay_ms");
    l.delay_ms         = cJSON_IsObject(root) && cJSON_IsNumber(delay) && delay->valuedouble >= 0 &&
                         delay->valuedouble < 1e9
                             ? (long)delay->valuedouble
                             : -1;
    const cJSON *item;
    size_t       i = 0;
    cJSON_ArrayForEach(item, data)
    {
        if (cJSON_IsObject(item) && !kept(item, shape)) {
            i++;
            continue;
        }
        rc = parse_entry(item, i++, item_at, base, &l, &cap, err, errsz);
        if (rc != 0)
            goto fail;
    }
    if (l.n == 0) {
        rc = errf(err, errsz, "no item of the %zu in the index passed --filter", count);
        goto fail;
    }
    cJSON_Delete(root);
    *out = l;
    return 0;
fail:
    cJSON_Delete(root);
    links_free(&l);
    return rc;
}

int links_parse_list(const char *text, size_t len, struct links *out, char *err, size_t errsz)
{
    struct links l   = {.delay_ms = -1};
    size_t       cap = 0, lineno = 0;
    const char  *p = text, *end = text + len;
    if (len > LINKS_MAX_BYTES)
        return errf(err, errsz, "URL list is %zu bytes, more than the %u allowed", len,
                    LINKS_MAX_BYTES);
    while (p < end) {
        const char *nl  = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        lineno++;
        /* Trim blanks (and a CR) on both sides. */
        const char *a = p, *b = eol;
        while (a < b && (*a == ' ' || *a == '\t' || *a == '\r'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r'))
            b--;
        p = nl ? nl + 1 : end;
        if (a == b || *a == '#')
            continue;
        if (memchr(a, '\0', (size_t)(b - a)) != NULL) {
            errf(err, errsz, "line %zu contains a NUL byte", lineno);
            goto fail;
        }
        if (l.n >= LINKS_MAX_ENTRIES) {
            errf(err, errsz, "URL list has more than the %u entries allowed", LINKS_MAX_ENTRIES);
            goto fail;
        }
        char *line = strndup(a, (size_t)(b - a));
        if (line == NULL || links_reserve(&l, &cap) != 0) {
            free(line);
            links_free(&l);
            errf(err, errsz, "out of memory");
            return -ENOMEM;
        }
        char  why[256] = "";
        char *url      = url_resolve(line, NULL, why, sizeof(why));
        free(line);
        if (url == NULL) {
            errf(err, errsz, "line %zu: %s", lineno, why);
            goto fail;
        }
        l.v[l.n++] = (struct link){.url = url, .size = -1, .checksum = NULL, .delay_ms = -1};
    }
    if (l.n == 0) {
        errf(err, errsz, "URL list has no URLs");
        goto fail;
    }
    *out = l;
    return 0;
fail:
    links_free(&l);
    return -EINVAL;
}

static int parse_shaped(const char *text, size_t len, const char *base,
                        const struct links_shape *shape, struct links *out, char *err, size_t errsz)
{
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    if (i == len)
        return errf(err, errsz, "index is empty");
    if (text[i] == '{' || text[i] == '[')
        return links_parse_json_shaped(text, len, base, shape, out, err, errsz);
    return links_parse_list(text, len, out, err, errsz);
}

int links_parse(const char *text, size_t len, const char *base, struct links *out, char *err,
                size_t errsz)
{
    return parse_shaped(text, len, base, NULL, out, err, errsz);
}

int links_load_file(const char *path, struct links *out, char *err, size_t errsz)
{
    return links_load_file_shaped(path, NULL, out, err, errsz);
}

int links_load_file_shaped(const char *path, const struct links_shape *shape, struct links *out,
                           char *err, size_t errsz)
{
    char  *text;
    size_t len;
    int    rc = read_file(path, LINKS_MAX_BYTES, &text, &len);
    if (rc == -EFBIG)
        return errf(err, errsz, "%s: larger than the %u bytes allowed", path, LINKS_MAX_BYTES);
    if (rc == -EINVAL)
        return errf(err, errsz, "%s: not a regular file", path);
    if (rc != 0)
        return errf(err, errsz, "%s: %s", path, strerror(-rc));
    char why[256] = "";
    rc            = parse_shaped(text, len, NULL, shape, out, why, sizeof(why));
    if (rc != 0)
        errf(err, errsz, "%s: %s", path, why);
    free(text);
    return rc;
}

int links_load_url(const char *url, const struct curl_slist *headers,
                   const struct links_shape *shape, struct links *out, char *err, size_t errsz)
{
    struct fetch_buf    buf = {.limit = LINKS_MAX_BYTES};
    struct fetch        f;
    struct fetch_limits lim = {.max_size = LINKS_MAX_BYTES, .headers = headers};
    char                shown[256], why[256] = "";
    str_escape(shown, sizeof(shown), url);
    if (fetch_init(&f, &lim) != 0)
        return errc(-ENOMEM, err, errsz, "unable to create a libcurl handle");
    if (fetch_prepare(&f, url, fetch_buf_sink, &buf) != 0) {
        fetch_fini(&f);
        return errf(err, errsz, "%s: not a URL libcurl accepts", shown);
    }
    fetch_perform(&f);
    enum fetch_err e  = fetch_result(&f);
    int            rc = -EIO;
    if (e == FETCH_ERR_STATUS) {
        /* The status the reply had, body or none (a 204, a redirect). */
        long  status = 0;
        char *to     = NULL, where[256] = "";
        curl_easy_getinfo(f.h, CURLINFO_RESPONSE_CODE, &status);
        if (curl_easy_getinfo(f.h, CURLINFO_REDIRECT_URL, &to) == CURLE_OK && to != NULL)
            str_escape(where, sizeof(where), to);
        if (status >= 300 && status < 400)
            errf(err, errsz, "%s: HTTP status %ld, a redirect%s%s: redirects are not followed; "
                             "give the URL it names",
                 shown, status, where[0] ? " to " : "", where);
        else
            errf(err, errsz, "%s: HTTP status %ld%s", shown, status,
                 status == 204 ? " (no content)" : "");
    }
    else if (e == FETCH_ERR_TOO_LARGE)
        errf(err, errsz, "%s: index larger than the %u bytes allowed", shown, LINKS_MAX_BYTES);
    else if (e != FETCH_OK)
        errf(err, errsz, "%s: %s", shown, curl_easy_strerror(f.code));
    else if ((rc = parse_shaped(buf.data ? buf.data : "", buf.len, url, shape, out, why,
                                sizeof(why))) != 0)
        errf(err, errsz, "%s: %s", shown, why);
    fetch_fini(&f);
    fetch_buf_free(&buf);
    return rc;
}

/* Sift the smallest of h[0..n) to the top after h[0] grew. */
static void heap_down(uint64_t *h, size_t n)
{
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && h[l] < h[m])
            m = l;
        if (r < n && h[r] < h[m])
            m = r;
        if (m == i)
            return;
        uint64_t t = h[i];
        h[i]       = h[m];
        h[m]       = t;
        i          = m;
    }
}

double links_bound_s(const struct links *l, unsigned workers)
{
    if (l->n == 0 || workers == 0)
        return 0;
    size_t    w     = workers < l->n ? workers : l->n;
    uint64_t *ready = calloc(w, sizeof(*ready)); /* when each worker is free, ms: a min-heap */
    uint64_t  end   = 0;
    int       any   = 0;
    if (ready == NULL)
        return 0;
    for (size_t i = 0; i < l->n; i++) {
        long d = l->v[i].delay_ms >= 0 ? l->v[i].delay_ms : l->delay_ms;
        if (d < 0) {
            free(ready);
            return 0;
        }
        any |= d > 0;
        ready[0] += (uint64_t)d; /* the first free worker takes link i */
        if (ready[0] > end)
            end = ready[0];
        heap_down(ready, w);
    }
    free(ready);
    return any ? (double)end / 1000.0 : 0;
}
