/*
 * opt.c: one value in, one field out; and the table as help and JSON.
 */
#include "opt.h"

#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

static void *field(const struct opt *o, void *opts)
{
    return (char *)opts + o->offset;
}

static const void *cfield(const struct opt *o, const void *opts)
{
    return (const char *)opts + o->offset;
}

size_t opt_count_choices(const char *const *choices)
{
    size_t n = 0;
    while (choices != NULL && choices[n] != NULL)
        n++;
    return n;
}

/* "a, b or c" into buf. */
static void choices_text(const char *const *choices, char *buf, size_t bufsz)
{
    size_t n = opt_count_choices(choices), used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < n && used < bufsz; k++) {
        const char *sep = k == 0 ? "" : k + 1 == n ? " or " : ", ";
        int         w   = snprintf(buf + used, bufsz - used, "%s%s", sep, choices[k]);
        used += w > 0 ? (size_t)w : 0;
    }
}

static int parse_choice(const struct opt *o, const char *val, void *opts, char *err, size_t errsz)
{
    for (size_t k = 0; o->choices[k] != NULL; k++) {
        if (strcmp(o->choices[k], val) == 0) {
            *(unsigned *)field(o, opts) = (unsigned)k;
            return 0;
        }
    }
    char list[256];
    choices_text(o->choices, list, sizeof(list));
    return errf(err, errsz, "--%s: '%s' is not %s", o->name, val, list);
}

int opt_parse(const struct opt *o, const char *val, void *opts, char *err, size_t errsz)
{
    int rc;
    switch (o->type) {
    case OPT_FLAG:
        *(int *)field(o, opts) = 1;
        return 0;
    case OPT_TEXT:
        if (val[0] == '\0')
            return errf(err, errsz, "--%s: empty value", o->name);
        *(const char **)field(o, opts) = val;
        return 0;
    case OPT_CHOICE:
        return parse_choice(o, val, opts, err, errsz);
    case OPT_TEXTS: {
        struct opt_texts *t = field(o, opts);
        if (val[0] == '\0')
            return errf(err, errsz, "--%s: empty value", o->name);
        if (t->n == OPT_TEXTS_MAX)
            return errf(err, errsz, "--%s: at most %d of them", o->name, OPT_TEXTS_MAX);
        t->v[t->n++] = val;
        return 0;
    }
    case OPT_UINT:
        rc = parse_u64(val, o->min, o->max, (uint64_t *)field(o, opts));
        if (rc == -EINVAL)
            return errf(err, errsz, "--%s: '%s' is not a whole number", o->name, val);
        if (rc != 0)
            errf(err, errsz, "--%s: %s is out of range (%" PRIu64 "..%" PRIu64 ")", o->name, val,
                 o->min, o->max);
        return rc;
    case OPT_REAL:
        rc = parse_double(val, o->fmin, o->fmax, (double *)field(o, opts));
        if (rc == -EINVAL)
            return errf(err, errsz, "--%s: '%s' is not a number", o->name, val);
        if (rc != 0)
            errf(err, errsz, "--%s: %s is out of range (%g..%g)", o->name, val, o->fmin, o->fmax);
        return rc;
    }
    return errf(err, errsz, "--%s: unknown option type", o->name);
}

int opt_defaults(const struct opt *table, void *opts, char *err, size_t errsz)
{
    for (const struct opt *o = table; o != NULL && o->name != NULL; o++) {
        if (o->def == NULL || o->type == OPT_FLAG)
            continue;
        char why[256];
        if (opt_parse(o, o->def, opts, why, sizeof(why)) != 0)
            return errf(err, errsz, "bad default for %s", why);
    }
    return 0;
}

const struct opt *opt_find(const struct opt *table, const char *name)
{
    for (const struct opt *o = table; o != NULL && o->name != NULL; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

uint64_t opt_get_uint(const struct opt *o, const void *opts)
{
    return *(const uint64_t *)cfield(o, opts);
}

double opt_get_real(const struct opt *o, const void *opts)
{
    return *(const double *)cfield(o, opts);
}

const char *opt_get_text(const struct opt *o, const void *opts)
{
    return *(const char *const *)cfield(o, opts);
}

unsigned opt_get_choice(const struct opt *o, const void *opts)
{
    return *(const unsigned *)cfield(o, opts);
}

int opt_get_flag(const struct opt *o, const void *opts)
{
    return *(const int *)cfield(o, opts);
}

const struct opt_texts *opt_get_texts(const struct opt *o, const void *opts)
{
    return cfield(o, opts);
}

/* Whether o's values may be shown (not a secret, or revealed). */
static int shown(const struct opt *table, const struct opt *o, const void *opts)
{
    if (o->revealed_by == NULL)
        return 1;
    const struct opt *flag = opt_find(table, o->revealed_by);
    return flag != NULL && flag->type == OPT_FLAG && opt_get_flag(flag, opts);
}

/* A secret as shown: the text up to its first ':' and "<hidden>". */
static void hide(const char *s, char *buf, size_t bufsz)
{
    const char *colon = strchr(s, ':');
    snprintf(buf, bufsz, "%.*s: <hidden>", colon ? (int)(colon - s) : 0, s);
}

void opt_format(const struct opt *o, const void *opts, char *buf, size_t bufsz)
{
    const char *s;
    switch (o->type) {
    case OPT_FLAG:
        snprintf(buf, bufsz, "%s", opt_get_flag(o, opts) ? "true" : "false");
        break;
    case OPT_UINT:
        snprintf(buf, bufsz, "%" PRIu64, opt_get_uint(o, opts));
        break;
    case OPT_REAL:
        snprintf(buf, bufsz, "%g", opt_get_real(o, opts));
        break;
    case OPT_TEXT:
        s = opt_get_text(o, opts);
        snprintf(buf, bufsz, "%s", s ? s : "");
        break;
    case OPT_CHOICE:
        snprintf(buf, bufsz, "%s", o->choices[opt_get_choice(o, opts)]);
        break;
    case OPT_TEXTS: {
        const struct opt_texts *t    = opt_get_texts(o, opts);
        size_t                  used = 0;
        buf[0]                       = '\0';
        for (unsigned k = 0; k < t->n && used < bufsz; k++) {
            int w = snprintf(buf + used, bufsz - used, "%s%s", k ? "; " : "", t->v[k]);
            used += w > 0 ? (size_t)w : 0;
        }
        break;
    }
    }
}

static const char *metavar(const struct opt *o)
{
    if (o->metavar != NULL)
        return o->metavar;
    switch (o->type) {
    case OPT_UINT:
        return "N";
    case OPT_REAL:
        return "X";
    case OPT_TEXT:
        return "TEXT";
    default:
        return "";
    }
}

void opt_help(FILE *f, const struct opt *table)
{
    for (const struct opt *o = table; o != NULL && o->name != NULL; o++) {
        char lhs[64], list[256] = "";
        if (o->type == OPT_CHOICE)
            choices_text(o->choices, list, sizeof(list));
        if (o->type == OPT_FLAG)
            snprintf(lhs, sizeof(lhs), "--%s", o->name);
        else if (o->type == OPT_CHOICE)
            snprintf(lhs, sizeof(lhs), "--%s %s", o->name, o->metavar ? o->metavar : "MODE");
        else if (o->type == OPT_TEXTS)
            snprintf(lhs, sizeof(lhs), "--%s %s", o->name, o->metavar ? o->metavar : "TEXT");
        else
            snprintf(lhs, sizeof(lhs), "--%s %s", o->name, metavar(o));
        fprintf(f, "  %-24s %s", lhs, o->help);
        if (o->type == OPT_CHOICE)
            fprintf(f, " (%s)", list);
        if (o->type == OPT_TEXTS)
            fprintf(f, " (repeatable, up to %d)", OPT_TEXTS_MAX);
        if (o->def != NULL && o->type != OPT_FLAG)
            fprintf(f, " [default %s]", o->def);
        fputc('\n', f);
    }
}

static const char *const type_names[] = {
    [OPT_FLAG] = "flag", [OPT_UINT] = "uint",     [OPT_REAL] = "real",
    [OPT_TEXT] = "text", [OPT_CHOICE] = "choice", [OPT_TEXTS] = "texts",
};

cJSON *opt_table_json(const struct opt *table)
{
    cJSON *arr = cJSON_CreateArray();
    for (const struct opt *o = table; arr != NULL && o != NULL && o->name != NULL; o++) {
        cJSON *j = cJSON_CreateObject();
        if (j == NULL)
            break;
        cJSON_AddItemToArray(arr, j);
        cJSON_AddStringToObject(j, "name", o->name);
        cJSON_AddStringToObject(j, "type", type_names[o->type]);
        if (o->def != NULL)
            cJSON_AddStringToObject(j, "default", o->def);
        else
            cJSON_AddNullToObject(j, "default");
        if (o->type == OPT_UINT) {
            cJSON_AddNumberToObject(j, "min", (double)o->min);
            cJSON_AddNumberToObject(j, "max", (double)o->max);
        } else if (o->type == OPT_REAL) {
            cJSON_AddNumberToObject(j, "min", o->fmin);
            cJSON_AddNumberToObject(j, "max", o->fmax);
        } else if (o->type == OPT_CHOICE) {
            cJSON_AddItemToObject(j, "choices",
                                  cJSON_CreateStringArray((const char *const *)o->choices,
                                                          (int)opt_count_choices(o->choices)));
        }
        cJSON_AddStringToObject(j, "help", o->help);
    }
    return arr;
}

void opt_values_json(const struct opt *table, const void *opts, cJSON *obj)
{
    for (const struct opt *o = table; o != NULL && o->name != NULL; o++) {
        char buf[512];
        switch (o->type) {
        case OPT_FLAG:
            cJSON_AddBoolToObject(obj, o->name, opt_get_flag(o, opts));
            break;
        case OPT_UINT:
            cJSON_AddNumberToObject(obj, o->name, (double)opt_get_uint(o, opts));
            break;
        case OPT_REAL:
            cJSON_AddNumberToObject(obj, o->name, opt_get_real(o, opts));
            break;
        case OPT_TEXTS: {
            const struct opt_texts *t   = opt_get_texts(o, opts);
            cJSON                  *arr = cJSON_AddArrayToObject(obj, o->name);
            for (unsigned k = 0; arr != NULL && k < t->n; k++) {
                if (!shown(table, o, opts))
                    hide(t->v[k], buf, sizeof(buf));
                else
                    snprintf(buf, sizeof(buf), "%s", t->v[k]);
                cJSON_AddItemToArray(arr, cJSON_CreateString(buf));
            }
            break;
        }
        case OPT_TEXT:
            if (opt_get_text(o, opts) == NULL) {
                cJSON_AddNullToObject(obj, o->name);
                break;
            }
            if (!shown(table, o, opts)) {
                hide(opt_get_text(o, opts), buf, sizeof(buf));
                cJSON_AddStringToObject(obj, o->name, buf);
                break;
            }
            /* fall through */
        case OPT_CHOICE:
            opt_format(o, opts, buf, sizeof(buf));
            cJSON_AddStringToObject(obj, o->name, buf);
            break;
        }
    }
}
