/*
 * cmdline.c: the one argv parser, built from option tables.
 */
#include "cmdline.h"

#include "cli.h"
#include "strategy.h"
#include "workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Edit distance with adjacent swaps counted as one edit ("rnu" is one
 * from "run"), for "did you mean". Short strings only. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 31 || lb > 31)
        return 64;
    size_t d[32][32];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *cmdline_suggest(const char *s, const char *const *words)
{
    const char *best   = NULL;
    size_t      best_d = (size_t)-1;
    for (size_t k = 0; words[k] != NULL; k++) {
        size_t d = distance(s, words[k]);
        if (d < best_d) {
            best_d = d;
            best   = words[k];
        }
    }
    size_t len = strlen(s);
    return best != NULL && best_d <= (len <= 4 ? 1u : 2u) ? best : NULL;
}

const char *cmdline_peek(int argc, char **argv, const char *name)
{
    size_t len = strlen(name);
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a];
        if (strncmp(arg, "--", 2) != 0 || strncmp(arg + 2, name, len) != 0)
            continue;
        if (arg[2 + len] == '=')
            return arg + 3 + len;
        if (arg[2 + len] == '\0')
            return a + 1 < argc ? argv[a + 1] : "";
    }
    return NULL;
}

/* Append the names of the plug-ins whose table has name to buf ("cpu,
 * mixed"); returns how many there were. */
static size_t owners(const char *name, const struct opt *const *tables, const char *const *names,
                     size_t n, char *buf, size_t bufsz)
{
    size_t found = 0, used = 0;
    for (size_t k = 0; k < n; k++) {
        if (!opt_find(tables[k], name))
            continue;
        int w = snprintf(buf + used, bufsz - used, "%s%s", found ? ", " : "", names[k]);
        if (w > 0 && (size_t)w < bufsz - used)
            used += (size_t)w;
        found++;
    }
    return found;
}

/* Whose option is name, among every plug-in? Writes "workloads cpu,
 * mixed" into buf, or returns NULL. */
static const char *owner_of(const char *name, char *buf, size_t bufsz)
{
    const struct opt *tables[64];
    const char       *names[64];
    char              list[160];
    size_t            n, m;

    const struct strategy *const *ss = strategy_list(&n);
    for (m = 0; m < n && m < 64; m++) {
        tables[m] = ss[m]->options;
        names[m]  = ss[m]->name;
    }
    size_t found = owners(name, tables, names, m, list, sizeof(list));
    if (found) {
        snprintf(buf, bufsz, "strateg%s %s", found > 1 ? "ies" : "y", list);
        return buf;
    }
    const struct workload *const *ws = workload_list(&n);
    for (m = 0; m < n && m < 64; m++) {
        tables[m] = ws[m]->options;
        names[m]  = ws[m]->name;
    }
    found = owners(name, tables, names, m, list, sizeof(list));
    if (found) {
        snprintf(buf, bufsz, "workload%s %s", found > 1 ? "s" : "", list);
        return buf;
    }
    return NULL;
}

static int unknown_option(const char *cmd, const char *name, const struct opt_scope *scopes,
                          size_t nscopes)
{
    char        whose[200];
    const char *names[256];
    size_t      k = 0;
    if (owner_of(name, whose, sizeof(whose)) != NULL) {
        /* Say which plug-in of the same kind was chosen instead. */
        const char *mine = cmd;
        size_t      kind = strncmp(whose, "strateg", 7) == 0 ? 7 : 8;
        for (size_t s = 0; s < nscopes; s++)
            if (strncmp(scopes[s].owner, whose, kind) == 0)
                mine = scopes[s].owner;
        return usage_error("--%s is an option of %s, not of %s (see '%s --help')", name, whose,
                           mine, cmd);
    }
    for (size_t s = 0; s < nscopes; s++)
        for (const struct opt *o = scopes[s].table; o && o->name && k < 255; o++)
            names[k++] = o->name;
    names[k]         = NULL;
    const char *near = cmdline_suggest(name, names);
    if (near != NULL)
        return usage_error("%s: unknown option '--%s' (did you mean --%s?)", cmd, name, near);
    return usage_error("%s: unknown option '--%s' (try --help)", cmd, name);
}

int cmdline_parse(const char *cmd, int argc, char **argv, const struct opt_scope *scopes,
                  size_t nscopes)
{
    for (int a = 1; a < argc; a++) {
        char        name[128], err[512];
        const char *arg = strcmp(argv[a], "-h") == 0 ? "--help" : argv[a], *val = NULL;
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
            return usage_error("%s: unexpected argument '%s'", cmd, arg);
        const char *eq  = strchr(arg, '=');
        size_t      len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        snprintf(name, sizeof(name), "%.*s", (int)(len < sizeof(name) ? len : sizeof(name) - 1),
                 arg + 2);
        const struct opt *o = NULL;
        size_t            s = 0;
        for (; s < nscopes && o == NULL; s++)
            o = opt_find(scopes[s].table, name);
        if (o == NULL)
            return unknown_option(cmd, name, scopes, nscopes);
        if (o->type == OPT_FLAG && eq != NULL)
            return usage_error("--%s takes no value", name);
        if (o->type != OPT_FLAG) {
            if (eq == NULL && a + 1 >= argc)
                return usage_error("%s: option '--%s' needs a value", cmd, name);
            val = eq ? eq + 1 : argv[++a];
        }
        if (opt_parse(o, val, scopes[s - 1].opts, err, sizeof(err)) != 0)
            return usage_error("%s", err);
    }
    return 0;
}
