/*
 * compare.c: `concbench compare OLD NEW`, two make-bench runs side by side.
 *
 * For every point present in both (matched by its name, e.g.
 * io-io-threads-w8), the old and new median of the in-process clock, their
 * ratio, and whether the two sets of samples differ more than chance
 * would: a two-sided Mann-Whitney U test, exact for the small samples a
 * bench keeps (its null distribution counted, ties given mid-ranks), so no
 * normality is assumed. A point is "faster" or "slower" only when the test
 * says so (p < --alpha) and the medians differ by more than --threshold;
 * else "same". The table is Markdown; points in one run only are named
 * below it. Exit 0, or 1 with --fail-on-regression when a point got slower,
 * or 2 on bad input.
 */
#include "cli.h"
#include "cmdline.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define RESULTS_MAX (64u << 20) /* a results.json larger than this is not one */
#define SAMPLES_MAX 64          /* exact test up to this many per side */

struct side {
    cJSON       *doc;
    const cJSON *results; /* the array */
    char         path[4096];
};

static void compare_help(FILE *f)
{
    fprintf(
        f, "usage: concbench compare OLD NEW [--threshold R] [--alpha P] [--fail-on-regression]\n\n"
           "Compare two make-bench runs: OLD and NEW are results folders or their\n"
           "results.json files. For every point in both: the in-process medians, NEW / OLD,\n"
           "and a two-sided Mann-Whitney U test on the samples (exact), as a Markdown table.\n\n"
           "  --threshold R           a change smaller than R (relative) is 'same' [0.05]\n"
           "  --alpha P               significance level of the test [0.05]\n"
           "  --fail-on-regression    exit 1 when a point got slower\n"
           "  --help                  this help\n");
}

/* Load a results.json (or DIR/results.json). Returns 0 or EXIT_USAGE. */
static int load_side(const char *arg, struct side *s)
{
    struct stat st;
    if (stat(arg, &st) != 0)
        return usage_error("compare: %s: %s", arg, strerror(errno));
    snprintf(s->path, sizeof(s->path), S_ISDIR(st.st_mode) ? "%s/results.json" : "%s", arg);
    char  *text;
    size_t len;
    int    rc = read_file(s->path, RESULTS_MAX, &text, &len);
    if (rc != 0)
        return usage_error("compare: %s: %s", s->path, strerror(-rc));
    s->doc = cJSON_ParseWithLength(text, len);
    free(text);
    s->results = cJSON_GetObjectItemCaseSensitive(s->doc, "results");
    if (s->doc == NULL || !cJSON_IsArray(s->results))
        return usage_error("compare: %s is not a make-bench results.json (no \"results\" array)",
                           s->path);
    return 0;
}

/* A point's in-process samples; their count, 0 when it has none. */
static size_t samples_of(const cJSON *p, double *v, size_t max)
{
    const cJSON *times =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(p, "inproc"), "times");
    size_t n = 0;
    for (const cJSON *t = cJSON_IsArray(times) ? times->child : NULL; t && n < max; t = t->next)
        if (cJSON_IsNumber(t) && t->valuedouble > 0)
            v[n++] = t->valuedouble;
    return n;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Two-sided p of the Mann-Whitney U test. With mid-ranks, U (doubled, to
 * stay whole) is compared with its exact distribution under "same
 * population": every way of choosing which n1 of the n1 + n2 pooled
 * values are the first sample, counted by dynamic programming over the
 * pooled values in rank order (ties share their mid-rank, so the count
 * runs over the actual ranks).
 */
static double mann_whitney_p(const double *a, size_t n1, const double *b, size_t n2)
{
    size_t n = n1 + n2;
    double sorted[2 * SAMPLES_MAX]; /* both samples pooled, in order */
    memcpy(sorted, a, n1 * sizeof(*a));
    memcpy(sorted + n1, b, n2 * sizeof(*b));
    qsort(sorted, n, sizeof(*sorted), by_value);
    /* Doubled mid-ranks of the sorted values (whole numbers). */
    long r2[2 * SAMPLES_MAX];
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && sorted[j + 1] == sorted[i])
            j++;
        for (size_t k = i; k <= j; k++)
            r2[k] = (long)(i + j + 2); /* 2 x ((i+1)+(j+1))/2 */
        i = j + 1;
    }
    long observed = 0; /* doubled rank sum of the first sample */
    for (size_t i = 0; i < n1; i++) {
        size_t k = 0;
        while (sorted[k] != a[i])
            k++;
        observed += r2[k];
    }
    /* ways[c][s]: ways to pick c of the values seen so far with doubled
     * rank sum s. */
    long smax = 0;
    for (size_t k = 0; k < n; k++)
        smax += r2[k];
    size_t  cols = (size_t)smax + 1;
    double *ways = calloc((n1 + 1) * cols, sizeof(*ways));
    if (ways == NULL)
        return NAN;
    ways[0] = 1;
    for (size_t k = 0; k < n; k++)
        for (size_t c = (k + 1 < n1 ? k + 1 : n1); c >= 1; c--)
            for (long s = smax; s >= r2[k]; s--)
                ways[c * cols + (size_t)s] += ways[(c - 1) * cols + (size_t)(s - r2[k])];
    double total = 0, low = 0, high = 0;
    for (long s = 0; s <= smax; s++) {
        double w = ways[n1 * cols + (size_t)s];
        total += w;
        if (s <= observed)
            low += w;
        if (s >= observed)
            high += w;
    }
    free(ways);
    double p = 2 * (low < high ? low : high) / total;
    return p > 1 ? 1 : p;
}

static const cJSON *find_point(const struct side *s, const char *name)
{
    for (const cJSON *p = s->results->child; p != NULL; p = p->next) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(p, "name");
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return p;
    }
    return NULL;
}

static int parse_real(const char *opt, const char *val, double lo, double hi, double *out)
{
    char *end;
    errno    = 0;
    double v = val ? strtod(val, &end) : 0;
    if (val == NULL || *val == '\0' || *end != '\0' || errno != 0 || !(v >= lo && v <= hi))
        return usage_error("compare: %s needs a number in [%g, %g], not '%s'", opt, lo, hi,
                           val ? val : "");
    *out = v;
    return 0;
}

int cmd_compare(int argc, char **argv)
{
    double      threshold = 0.05, alpha = 0.05;
    int         fail_on_regression = 0;
    const char *paths[2];
    int         npaths = 0;
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            return compare_help(stdout), 0;
        if (strcmp(arg, "--fail-on-regression") == 0) {
            fail_on_regression = 1;
        } else if (strcmp(arg, "--threshold") == 0 || strcmp(arg, "--alpha") == 0) {
            int rc = strcmp(arg, "--threshold") == 0
                         ? parse_real(arg, a + 1 < argc ? argv[a + 1] : NULL, 0, 10, &threshold)
                         : parse_real(arg, a + 1 < argc ? argv[a + 1] : NULL, 0, 1, &alpha);
            if (rc != 0)
                return rc;
            a++;
        } else if (strncmp(arg, "--", 2) == 0) {
            static const char *const known[] = {"--threshold", "--alpha", "--fail-on-regression",
                                                "--help", NULL};
            const char              *near    = cmdline_suggest(arg, known);
            return near ? usage_error("compare: unknown option %s (did you mean %s?)", arg, near)
                        : usage_error("compare: unknown option %s (try --help)", arg);
        } else if (npaths < 2) {
            paths[npaths++] = arg;
        } else {
            return usage_error("compare: one OLD and one NEW, not '%s' too", arg);
        }
    }
    if (npaths != 2)
        return compare_help(stderr), EXIT_USAGE;

    struct side old = {0}, new = {0};
    int         rc = load_side(paths[0], &old);
    if (rc == 0)
        rc = load_side(paths[1], &new);
    if (rc == 0) {
        /* Runs of another schema measure or name their points otherwise:
         * set side by side, their ratios would mean nothing. */
        const cJSON *so = cJSON_GetObjectItemCaseSensitive(old.doc, "schema");
        const cJSON *sn = cJSON_GetObjectItemCaseSensitive(new.doc, "schema");
        const char  *a  = cJSON_IsString(so) ? so->valuestring : NULL;
        const char  *b  = cJSON_IsString(sn) ? sn->valuestring : NULL;
        if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
            rc = usage_error("compare: %s is %s, %s is %s: runs of different schemas are not "
                             "compared",
                             old.path, a ? a : "of an older concbench (no schema)", new.path,
                             b ? b : "of an older concbench (no schema)");
    }
    if (rc != 0) {
        cJSON_Delete(old.doc);
        cJSON_Delete(new.doc);
        return rc;
    }
    printf("# %s against %s\n\n"
           "In-process medians; p: two-sided Mann-Whitney U test on the samples (exact); a\n"
           "change counts when p < %g and the medians differ by more than %.0f %%.\n\n"
           "| point | old | new | new / old | p | verdict |\n"
           "|---|---:|---:|---:|---:|---|\n",
           new.path, old.path, alpha, threshold * 100);
    size_t slower = 0, faster = 0, same = 0, only_new = 0, only_old = 0;
    for (const cJSON *p = new.results->child; p != NULL; p = p->next) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(p, "name");
        if (!cJSON_IsString(name))
            continue;
        const cJSON *q = find_point(&old, name->valuestring);
        double       a[SAMPLES_MAX], b[SAMPLES_MAX];
        size_t       na = q ? samples_of(q, a, SAMPLES_MAX) : 0, nb = samples_of(p, b, SAMPLES_MAX);
        if (q == NULL) {
            only_new++;
            continue;
        }
        if (na == 0 || nb == 0) {
            printf("| %s | %s | %s | – | – | no samples |\n", name->valuestring, na ? "" : "–",
                   nb ? "" : "–");
            continue;
        }
        double      pv = mann_whitney_p(a, na, b, nb);
        double      mo = median(a, na), mn = median(b, nb), ratio = mn / mo;
        int         moved   = pv < alpha && fabs(ratio - 1) > threshold;
        const char *verdict = !moved ? "same" : ratio > 1 ? "**slower**" : "faster";
        slower += moved && ratio > 1;
        faster += moved && ratio < 1;
        same += !moved;
        printf("| %s | %.4f s | %.4f s | %.3fx | %.3f | %s |\n", name->valuestring, mo, mn, ratio,
               pv, verdict);
    }
    for (const cJSON *q = old.results->child; q != NULL; q = q->next) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(q, "name");
        only_old += cJSON_IsString(name) && find_point(&new, name->valuestring) == NULL;
    }
    printf("\n%zu slower, %zu faster, %zu the same", slower, faster, same);
    if (only_old || only_new)
        printf("; %zu point%s only in OLD, %zu only in NEW (not compared)", only_old,
               only_old == 1 ? "" : "s", only_new);
    printf(".\n");
    cJSON_Delete(old.doc);
    cJSON_Delete(new.doc);
    return fail_on_regression && slower > 0 ? EXIT_FAILED : 0;
}
