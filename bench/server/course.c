/*
 * course.c: the course's APIs for the fixture server (course.h).
 *
 * Everything is a function of the seed: the flags, the gallery's items and
 * images, the token, the tracks of any album id. The gallery is mostly
 * images of the three types the notebook's filter keeps, with an album
 * (no "type") and a video among them, so the filter has work to do.
 */
#include "course.h"

#include "checksum.h"
#include "images.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The 193 member states of the UN and the Holy See: the 20 codes of the
 * course and Fluent Python among them (CN IN US ID BR PK NG BD RU JP MX
 * PH VN ET EG DE IR TR CD FR), and the rest of what flags2 -a reads. */
static const char codes[][3] = {
    "AD", "AE", "AF", "AG", "AL", "AM", "AO", "AR", "AT", "AU", "AZ", "BA", "BB", "BD", "BE", "BF",
    "BG", "BH", "BI", "BJ", "BN", "BO", "BR", "BS", "BT", "BW", "BY", "BZ", "CA", "CD", "CF", "CG",
    "CH", "CI", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO",
    "DZ", "EC", "EE", "EG", "ER", "ES", "ET", "FI", "FJ", "FM", "FR", "GA", "GB", "GD", "GE", "GH",
    "GM", "GN", "GQ", "GR", "GT", "GW", "GY", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IN", "IQ",
    "IR", "IS", "IT", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KZ",
    "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MG",
    "MH", "MK", "ML", "MM", "MN", "MR", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NE", "NG",
    "NI", "NL", "NO", "NP", "NR", "NZ", "OM", "PA", "PE", "PG", "PH", "PK", "PL", "PT", "PW", "PY",
    "QA", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SI", "SK", "SL", "SM", "SN",
    "SO", "SR", "SS", "ST", "SV", "SY", "SZ", "TD", "TG", "TH", "TJ", "TL", "TM", "TN", "TO", "TR",
    "TT", "TV", "TZ", "UA", "UG", "US", "UY", "UZ", "VA", "VC", "VE", "VN", "VU", "WS", "YE", "ZA",
    "ZM", "ZW",
};
#define NCODES (sizeof(codes) / sizeof(codes[0]))
#define NITEMS 60 /* the gallery's items */

struct blob {
    unsigned char *data;
    size_t         len;
    char           sum[CHECKSUM_STRLEN + 1];
};

struct item {
    char        id[8];
    const char *type; /* NULL: an album, which imgur lists without one */
    const char *ext;
    unsigned    w, h;
    struct blob body; /* empty for an album */
};

struct course {
    uint64_t    seed;
    struct blob flag[NCODES];
    char       *meta[NCODES];
    struct item items[NITEMS];
    char        token[40];
};

size_t course_ncodes(void)
{
    return NCODES;
}

const char *course_code(size_t k)
{
    return k < NCODES ? codes[k] : NULL;
}

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t hash_str(uint64_t seed, const char *s)
{
    uint64_t h = seed ^ 0xcbf29ce484222325u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3u;
    return mix(h);
}

static void seal(struct blob *b)
{
    checksum_format(b->data, b->len, b->sum);
}

void course_free(struct course *c)
{
    if (c == NULL)
        return;
    for (size_t k = 0; k < NCODES; k++) {
        free(c->flag[k].data);
        free(c->meta[k]);
    }
    for (size_t k = 0; k < NITEMS; k++)
        free(c->items[k].body.data);
    free(c);
}

struct course *course_new(uint64_t seed)
{
    struct course *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->seed = seed;
    for (size_t k = 0; k < NCODES; k++) {
        struct image img;
        char         meta[64];
        if (image_gif(hash_str(seed, codes[k]), 32, 24, &img) != 0)
            goto fail;
        c->flag[k] = (struct blob){img.data, img.len, ""};
        seal(&c->flag[k]);
        snprintf(meta, sizeof(meta), "{\"country\": \"%.2s\", \"cc\": \"%.2s\"}", codes[k],
                 codes[k]);
        if ((c->meta[k] = strdup(meta)) == NULL)
            goto fail;
    }
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (size_t k = 0; k < NITEMS; k++) {
        struct item *it = &c->items[k];
        uint64_t     r  = mix(seed * 0x9e3779b97f4a7c15u + k + 1);
        for (int d = 0; d < 7; d++)
            it->id[d] = digits[(r >> (d * 6)) % 62];
        it->w = 16 + 8 * (unsigned)((r >> 42) % 7);
        it->h = 16 + 8 * (unsigned)((r >> 45) % 5);
        /* Mostly images of the three types; every 13th an album, every
         * 17th a video: what the notebook's filter leaves out. */
        struct image img = {0};
        int          rc  = 0;
        if (k % 13 == 6) {
            it->type = NULL, it->ext = "";
        } else if (k % 17 == 8) {
            it->type = "video/mp4", it->ext = "mp4";
            rc       = image_png(r, 16, 16, &img); /* some bytes; nobody decodes them */
        } else if (k % 3 == 0) {
            it->type = "image/jpeg", it->ext = "jpg";
            rc       = image_jpeg(r, it->w, it->h, &img);
        } else if (k % 3 == 1) {
            it->type = "image/png", it->ext = "png";
            rc       = image_png(r, it->w, it->h, &img);
        } else {
            it->type = "image/gif", it->ext = "gif";
            rc       = image_gif(r, it->w, it->h, &img);
        }
        if (rc != 0)
            goto fail;
        it->body = (struct blob){img.data, img.len, ""};
        if (img.data != NULL)
            seal(&it->body);
    }
    snprintf(c->token, sizeof(c->token), "cb%016llx", (unsigned long long)mix(seed ^ 0x70c0));
    return c;
fail:
    course_free(c);
    return NULL;
}

/* ---- replies -------------------------------------------------------------- */

static int json_reply(cJSON *j, int status, struct course_reply *out)
{
    char *s = j ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    if (s == NULL) {
        *out = (struct course_reply){500, "text/plain", "out of memory\n", 14, 0};
        return 1;
    }
    *out = (struct course_reply){status, "application/json", s, strlen(s), 1};
    return 1;
}

static int error_reply(int status, const char *text, struct course_reply *out)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "error", text);
    cJSON_AddNumberToObject(j, "status", status);
    return json_reply(j, status, out);
}

static int blob_reply(const struct blob *b, const char *type, struct course_reply *out)
{
    *out = (struct course_reply){200, type, (const char *)b->data, b->len, 0};
    return 1;
}

static int code_index(const char *cc, size_t len)
{
    if (len != 2)
        return -1;
    char up[3] = {(char)toupper((unsigned char)cc[0]), (char)toupper((unsigned char)cc[1]), 0};
    for (size_t k = 0; k < NCODES; k++)
        if (strcmp(codes[k], up) == 0)
            return (int)k;
    return -1;
}

/* /flags/CC/CC.gif and /flags/CC/metadata.json (either case). */
static int flags(const struct course *c, const char *rest, struct course_reply *out)
{
    const char *slash = strchr(rest, '/');
    int         k     = slash ? code_index(rest, (size_t)(slash - rest)) : -1;
    if (k < 0)
        return error_reply(404, "no such country code", out);
    const char *file = slash + 1;
    if (strcmp(file, "metadata.json") == 0) {
        *out = (struct course_reply){200, "application/json", c->meta[k], strlen(c->meta[k]), 0};
        return 1;
    }
    if (strlen(file) == 6 && strcasecmp(file + 2, ".gif") == 0 && code_index(file, 2) == k)
        return blob_reply(&c->flag[k], "image/gif", out);
    return error_reply(404, "no such file", out);
}

static void add_link(cJSON *o, const char *host, const char *path)
{
    char link[512];
    snprintf(link, sizeof(link), "http://%s%s", host, path);
    cJSON_AddStringToObject(o, "link", link);
}

/* imgur's gallery: the notebook's get_links reads data[].type and .link. */
static int gallery(const struct course *c, const char *auth, const char *host,
                   struct course_reply *out)
{
    if (auth == NULL || strncmp(auth, "Client-ID ", 10) != 0 || auth[10] == '\0')
        return error_reply(401, "Authentication required: Authorization: Client-ID <id>", out);
    cJSON *j    = cJSON_CreateObject();
    cJSON *data = cJSON_AddArrayToObject(j, "data");
    for (size_t k = 0; k < NITEMS && data != NULL; k++) {
        const struct item *it = &c->items[k];
        cJSON             *o  = cJSON_CreateObject();
        char               title[48], path[64];
        snprintf(title, sizeof(title), "Picture %zu of the fixture", k + 1);
        cJSON_AddStringToObject(o, "id", it->id);
        cJSON_AddStringToObject(o, "title", title);
        if (it->type == NULL) { /* an album: no type, no link of its own to fetch */
            cJSON_AddBoolToObject(o, "is_album", 1);
            cJSON_AddNumberToObject(o, "images_count", 3);
            snprintf(path, sizeof(path), "/a/%s", it->id);
            add_link(o, host, path);
        } else {
            cJSON_AddBoolToObject(o, "is_album", 0);
            cJSON_AddStringToObject(o, "type", it->type);
            cJSON_AddNumberToObject(o, "width", it->w);
            cJSON_AddNumberToObject(o, "height", it->h);
            cJSON_AddNumberToObject(o, "size", (double)it->body.len);
            cJSON_AddStringToObject(o, "checksum", it->body.sum);
            snprintf(path, sizeof(path), "/i/%s.%s", it->id, it->ext);
            add_link(o, host, path);
        }
        cJSON_AddItemToArray(data, o);
    }
    cJSON_AddBoolToObject(j, "success", 1);
    cJSON_AddNumberToObject(j, "status", 200);
    return json_reply(j, 200, out);
}

static int image(const struct course *c, const char *name, struct course_reply *out)
{
    for (size_t k = 0; k < NITEMS; k++) {
        const struct item *it = &c->items[k];
        char               want[32];
        if (it->type == NULL)
            continue;
        snprintf(want, sizeof(want), "%s.%s", it->id, it->ext);
        if (strcmp(name, want) == 0)
            return blob_reply(&it->body, it->type, out);
    }
    return error_reply(404, "no such image", out);
}

/* The value of field name in an x-www-form-urlencoded body, into buf. */
static int form_field(const char *body, size_t len, const char *name, char *buf, size_t bufsz)
{
    size_t n = strlen(name);
    for (size_t at = 0; at < len;) {
        size_t end = at;
        while (end < len && body[end] != '&')
            end++;
        if (end - at > n && strncmp(body + at, name, n) == 0 && body[at + n] == '=') {
            size_t v = end - at - n - 1;
            if (v >= bufsz)
                v = bufsz - 1;
            memcpy(buf, body + at + n + 1, v);
            buf[v] = '\0';
            return 1;
        }
        at = end + 1;
    }
    buf[0] = '\0';
    return 0;
}

/* Spotify's client-credentials flow, as notebook 1 posts it. */
static int token(const struct course *c, const char *body, size_t len, struct course_reply *out)
{
    char grant[64], id[256], secret[256];
    form_field(body, len, "grant_type", grant, sizeof(grant));
    form_field(body, len, "client_id", id, sizeof(id));
    form_field(body, len, "client_secret", secret, sizeof(secret));
    if (strcmp(grant, "client_credentials") != 0)
        return error_reply(400, "unsupported_grant_type", out);
    if (id[0] == '\0' || secret[0] == '\0')
        return error_reply(400, "invalid_client", out);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "access_token", c->token);
    cJSON_AddStringToObject(j, "token_type", "Bearer");
    cJSON_AddNumberToObject(j, "expires_in", 3600);
    return json_reply(j, 200, out);
}

static int tracks(const struct course *c, const char *album, size_t album_len, const char *auth,
                  const char *host, struct course_reply *out)
{
    char want[64];
    snprintf(want, sizeof(want), "Bearer %s", c->token);
    if (auth == NULL || strcmp(auth, want) != 0)
        return error_reply(401, "No token provided, or an invalid one", out);
    char id[64];
    if (album_len == 0 || album_len >= sizeof(id))
        return error_reply(400, "invalid id", out);
    memcpy(id, album, album_len);
    id[album_len] = '\0';
    uint64_t h     = hash_str(c->seed, id);
    unsigned total = 5 + (unsigned)(h % 12);
    cJSON   *j     = cJSON_CreateObject();
    char     path[160];
    snprintf(path, sizeof(path), "/v1/albums/%s/tracks?offset=0&limit=20", id);
    char href[512];
    snprintf(href, sizeof(href), "http://%s%s", host, path);
    cJSON_AddStringToObject(j, "href", href);
    cJSON *items = cJSON_AddArrayToObject(j, "items");
    for (unsigned k = 1; k <= total && items != NULL; k++) {
        cJSON *t = cJSON_CreateObject();
        char   name[96], tid[24];
        snprintf(name, sizeof(name), "Track %u of album %.40s", k, id);
        snprintf(tid, sizeof(tid), "%016llx", (unsigned long long)mix(h + k));
        cJSON_AddStringToObject(t, "name", name);
        cJSON_AddStringToObject(t, "id", tid);
        cJSON_AddNumberToObject(t, "track_number", k);
        cJSON_AddNumberToObject(t, "disc_number", 1);
        cJSON_AddNumberToObject(t, "duration_ms", 60000 + (double)(mix(h ^ k) % 240000));
        cJSON_AddStringToObject(t, "type", "track");
        cJSON_AddItemToArray(items, t);
    }
    cJSON_AddNumberToObject(j, "limit", 20);
    cJSON_AddNumberToObject(j, "offset", 0);
    cJSON_AddNumberToObject(j, "total", total);
    return json_reply(j, 200, out);
}

/* Every fixed body, listed as concbench's index lists its own files. */
static int course_index(const struct course *c, const char *host, struct course_reply *out)
{
    cJSON *j    = cJSON_CreateObject();
    cJSON *data = cJSON_AddArrayToObject(j, "data");
    char   path[64];
    for (size_t k = 0; k < NCODES && data != NULL; k++) {
        cJSON *o = cJSON_CreateObject();
        char   lc[3] = {(char)tolower(codes[k][0]), (char)tolower(codes[k][1]), 0};
        snprintf(path, sizeof(path), "/flags/%s/%s.gif", lc, lc);
        cJSON_AddStringToObject(o, "id", codes[k]);
        add_link(o, host, path);
        cJSON_AddStringToObject(o, "type", "image/gif");
        cJSON_AddNumberToObject(o, "size", (double)c->flag[k].len);
        cJSON_AddStringToObject(o, "checksum", c->flag[k].sum);
        cJSON_AddItemToArray(data, o);
    }
    for (size_t k = 0; k < NITEMS && data != NULL; k++) {
        const struct item *it = &c->items[k];
        if (it->type == NULL)
            continue;
        cJSON *o = cJSON_CreateObject();
        snprintf(path, sizeof(path), "/i/%s.%s", it->id, it->ext);
        cJSON_AddStringToObject(o, "id", it->id);
        add_link(o, host, path);
        cJSON_AddStringToObject(o, "type", it->type);
        cJSON_AddNumberToObject(o, "size", (double)it->body.len);
        cJSON_AddStringToObject(o, "checksum", it->body.sum);
        cJSON_AddItemToArray(data, o);
    }
    return json_reply(j, 200, out);
}

int course_route(const struct course *c, const char *method, const char *path, const char *auth,
                 const char *body, size_t body_len, const char *host, struct course_reply *out)
{
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (host == NULL || host[0] == '\0')
        host = "127.0.0.1";
    if (get && strncmp(path, "/flags/", 7) == 0)
        return flags(c, path + 7, out);
    if (get && strcmp(path, "/3/gallery/random/random/") == 0)
        return gallery(c, auth, host, out);
    if (get && strncmp(path, "/i/", 3) == 0)
        return image(c, path + 3, out);
    if (get && strcmp(path, "/course/index.json") == 0)
        return course_index(c, host, out);
    if (strcmp(path, "/api/token") == 0) {
        if (strcmp(method, "POST") != 0)
            return error_reply(405, "POST the client credentials", out);
        return token(c, body, body_len, out);
    }
    if (get && strncmp(path, "/v1/albums/", 11) == 0) {
        const char *id  = path + 11;
        const char *end = strchr(id, '/');
        if (end != NULL && strcmp(end, "/tracks") == 0)
            return tracks(c, id, (size_t)(end - id), auth, host, out);
    }
    return 0;
}
