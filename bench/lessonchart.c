/*
 * lessonchart.c: a lesson's chart, drawn by gnuplot from the lesson's own
 * JSON (lessonchart.h).
 *
 * One panel per part of the claim: each round's value as a point, the
 * median as a line inside its 95 % interval (a band coloured by the part's
 * verdict), and the two lines the interval is held against: where the
 * claim holds and where it would be contradicted. The claim is the title;
 * the course's figure, the measured figure with its interval and the
 * verdict in words are written on the chart. 1280 x 720, 16 px type: to
 * be read from the back of a classroom.
 */
#include "lessonchart.h"

#include "spawn.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* s as a gnuplot double-quoted string, on f. */
static void gp_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s != NULL && *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        if (*s == '\n')
            fputs("\\n", f);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static int lines_of(const char *text)
{
    int n = 1;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/* Break text into lines of at most width characters, at spaces, into
 * buf. */
static void wrap(const char *text, size_t width, char *buf, size_t sz)
{
    size_t len = 0, col = 0;
    while (*text != '\0' && len + 2 < sz) {
        size_t word = strcspn(text, " ");
        if (col > 0 && col + 1 + word > width) {
            buf[len++] = '\n';
            col        = 0;
        } else if (col > 0) {
            buf[len++] = ' ';
            col++;
        }
        for (size_t k = 0; k < word && len + 1 < sz; k++)
            buf[len++] = text[k];
        col += word;
        text += word;
        text += strspn(text, " ");
    }
    buf[len] = '\0';
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *j = cJSON_GetObjectItem(o, key);
    return cJSON_IsString(j) ? j->valuestring : NULL;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *j = cJSON_GetObjectItem(o, key);
    return cJSON_IsNumber(j) ? j->valuedouble : NAN;
}

static double at(const cJSON *arr, int k)
{
    const cJSON *j = cJSON_GetArrayItem(arr, k);
    return cJSON_IsNumber(j) ? j->valuedouble : NAN;
}

static const char *verdict_colour(const char *v)
{
    if (v != NULL && strcmp(v, "holds") == 0)
        return "#1b7837";
    if (v != NULL && strcmp(v, "contradicted") == 0)
        return "#c51b7d";
    return "#737373";
}

/* One part's panel, a strip across the chart: the statistic's axis
 * along it, each round's value a dot, the 95 % interval a band around the
 * median's tick, and the lines where the claim holds and where it would be
 * contradicted, each labelled. y0 and h are screen fractions. */
static void panel(FILE *g, const cJSON *part, int rounds, double y0, double h)
{
    const cJSON *values = cJSON_GetObjectItem(part, "values");
    const cJSON *ci     = cJSON_GetObjectItem(part, "ci");
    const cJSON *holds  = cJSON_GetObjectItem(part, "holds_line");
    const cJSON *contra = cJSON_GetObjectItem(part, "contra_line");
    const char  *unit   = str(part, "unit") ? str(part, "unit") : "";
    const char  *v      = str(part, "verdict");
    const char  *rel    = str(part, "holds_if");
    double       est = num(part, "estimate"), lo = at(ci, 0), hi = at(ci, 1);
    double       xmin = INFINITY, xmax = -INFINITY;
    char         title[512];

    /* The axis: every value, the interval, and the finite lines. */
    for (int r = 0; r < rounds; r++) {
        double x = at(values, r);
        if (isfinite(x)) {
            xmin = fmin(xmin, x);
            xmax = fmax(xmax, x);
        }
    }
    const cJSON *lines[2] = {holds, contra};
    for (int k = 0; k < 2; k++)
        for (int j = 0; j < cJSON_GetArraySize(lines[k]); j++)
            if (isfinite(at(lines[k], j))) {
                xmin = fmin(xmin, at(lines[k], j));
                xmax = fmax(xmax, at(lines[k], j));
            }
    if (!isfinite(xmin)) {
        xmin = 0;
        xmax = 1;
    }
    double pad = (xmax - xmin) * 0.08 + fabs(xmax) * 0.02 + 1e-9;
    /* The previous panel's marks (labels 1..20: the heading is 101, 102). */
    fprintf(g, "unset arrow\nunset object\n");
    for (int k = 1; k <= 20; k++)
        fprintf(g, "unset label %d\n", k);
    fprintf(g, "set lmargin at screen 0.04\nset rmargin at screen 0.97\n");
    fprintf(g, "set tmargin at screen %g\nset bmargin at screen %g\n", y0 + h - 0.06, y0 + 0.045);
    fprintf(g, "set xrange [%.10g:%.10g]\nset yrange [0:1]\nunset ytics\n", xmin - pad,
            xmax + pad);
    fprintf(g, "set xtics font 'DejaVu Sans,14'\nset format x '%%.3g%s'\n",
            strcmp(unit, "x") == 0 || strcmp(unit, "%") == 0 ? (*unit == '%' ? "%%" : "x") : "");
    if (isfinite(est))
        snprintf(title, sizeof(title), "%s: %.3g%s, 95 %% interval [%.3g, %.3g] (holds %s): %s",
                 str(part, "statistic"), est, unit, lo, hi, rel ? rel : "", v ? v : "");
    else
        snprintf(title, sizeof(title), "%s: not measured", str(part, "statistic"));
    fprintf(g, "set label 1 ");
    gp_str(g, title);
    fprintf(g, " at screen 0.04, screen %g left tc rgb '%s' font 'DejaVu Sans,15'\n",
            y0 + h - 0.03, verdict_colour(v));
    if (isfinite(lo) && isfinite(hi))
        fprintf(g,
                "set object 1 rect from first %.10g, graph 0.15 to first %.10g, graph 0.85 fc rgb "
                "'%s' fs transparent solid 0.2 noborder behind\n",
                lo, hi, verdict_colour(v));
    if (isfinite(est))
        fprintf(g, "set arrow 1 from first %.10g, graph 0.1 to first %.10g, graph 0.9 nohead lw 4 "
                   "lc rgb '%s'\n",
                est, est, verdict_colour(v));
    int n = 1, lab = 1;
    for (int k = 0; k < 2; k++)
        for (int j = 0; j < cJSON_GetArraySize(lines[k]); j++) {
            double x = at(lines[k], j);
            if (!isfinite(x))
                continue;
            const char *colour = k == 0 ? "#1b7837" : "#c51b7d";
            fprintf(g, "set arrow %d from first %.10g, graph 0 to first %.10g, graph 1 nohead lw 2 "
                       "dt %d lc rgb '%s'\n",
                    ++n, x, x, k == 0 ? 2 : 3, colour);
            fprintf(g, "set label %d '%s' at first %.10g, graph 0.12 offset 0.4,0 left tc rgb '%s' "
                       "font 'DejaVu Sans,13'\n",
                    ++lab, k == 0 ? "holds" : "contradicted", x, colour);
        }
    fprintf(g, "$d << EOD\n");
    for (int r = 0; r < rounds; r++)
        if (isfinite(at(values, r)))
            fprintf(g, "%.10g %g\n", at(values, r), 0.5 + 0.25 * sin(r * 2.4));
    fprintf(g, "EOD\n");
    fprintf(g, "plot $d using 1:2 with points pt 7 ps 1.4 lc rgb '#802166ac' notitle\n");
}

/* The whole chart, to ext (png or svg), as gnuplot commands on g. */
static void script(FILE *g, const cJSON *l, const char *dir, const char *ext)
{
    const cJSON *parts  = cJSON_GetObjectItem(l, "parts");
    int          nparts = cJSON_GetArraySize(parts);
    int          rounds = (int)num(l, "rounds");
    const char  *id     = str(l, "id");
    const char  *course = str(l, "course");
    char         head[2048], claim[600], line[1400], explain[1600], out[4096];
    if (strcmp(ext, "png") == 0)
        fprintf(g, "set terminal pngcairo size 1280,720 font 'DejaVu Sans,16' noenhanced\n");
    else
        fprintf(g, "set terminal svg size 1280,720 font 'DejaVu Sans,16' noenhanced\n");
    snprintf(out, sizeof(out), "%s/%s.%s.tmp", dir, id, ext);
    fprintf(g, "set output ");
    gp_str(g, out);
    fputc('\n', g);
    fprintf(g, "set multiplot\nset border 1\nset tics nomirror\nunset key\n"
               "set grid xtics lc rgb '#e0e0e0'\n");
    /* The claim, the course's figure, the rounds: above everything. */
    char sub[1400];
    snprintf(head, sizeof(head), "%s: %s", id, str(l, "claim"));
    wrap(head, 80, claim, sizeof(claim));
    snprintf(line, sizeof(line), "%s%s%s%.0f rounds, interleaved; each dot is one round",
             course ? "the course: " : "", course ? course : "", course ? ".   " : "",
             num(l, "rounds"));
    wrap(line, 125, sub, sizeof(sub));
    double y = 0.965;
    fprintf(g, "set label 101 ");
    gp_str(g, claim);
    fprintf(g, " at screen 0.02, screen %g left font 'DejaVu Sans,19'\n", y);
    y -= 0.05 * (double)(lines_of(claim) - 1) + 0.052;
    fprintf(g, "set label 102 ");
    gp_str(g, sub);
    fprintf(g, " at screen 0.02, screen %g left font 'DejaVu Sans,14' tc rgb '#404040'\n", y);
    y -= 0.037 * (double)(lines_of(sub) - 1) + 0.03;
    /* The parts, stacked, between the heading and the verdict. */
    double top = y, bottom = 0.15;
    double h   = (top - bottom) / (nparts > 0 ? nparts : 1);
    for (int p = 0; p < nparts; p++) {
        panel(g, cJSON_GetArrayItem(parts, p), rounds > 0 ? rounds : 1, top - (p + 1) * h, h);
        if (p == 0) /* the heading is drawn once, with the first panel */
            fprintf(g, "unset label 101\nunset label 102\n");
    }
    /* The verdict in words, across the bottom. */
    const char *verdict = str(l, "verdict");
    /* Not holding, the chart says why, as the text does. */
    const char *why  = str(l, "reason");
    int         says = verdict != NULL && strcmp(verdict, "holds") != 0 && why != NULL && *why;
    snprintf(line, sizeof(line), "%s: %s%s%s", verdict ? verdict : "?",
             str(l, "explanation") ? str(l, "explanation") : "", says ? " Why: " : "",
             says ? why : "");
    wrap(line, 112, explain, sizeof(explain));
    fprintf(g, "unset object\nunset arrow\nunset label\nunset border\nunset tics\nunset grid\n"
               "set lmargin at screen 0\nset rmargin at screen 1\nset tmargin at screen %g\n"
               "set bmargin at screen 0\nset xrange [0:1]\nset yrange [0:1]\n",
            bottom);
    fprintf(g, "set label 1 ");
    gp_str(g, explain);
    fprintf(g, " at screen 0.02, screen %g left tc rgb '%s' font 'DejaVu Sans,15'\n",
            bottom - 0.03, verdict_colour(verdict));
    fprintf(g, "plot NaN notitle\nunset multiplot\nunset output\n");
}

/* Run gnuplot on the commands script() writes; its stderr to errfile.
 * Returns its exit status, or -errno. */
static int run_gnuplot(const cJSON *l, const char *dir, const char *ext, const char *errfile)
{
    char *const argv[] = {"gnuplot", NULL};
    int         fd;
    pid_t       pid = spawn_piped("gnuplot", argv, 0, &fd, errfile);
    if (pid < 0)
        return (int)pid;
    FILE *g = fdopen(fd, "w");
    if (g == NULL) {
        close(fd);
        spawn_wait(pid);
        return -ENOMEM;
    }
    script(g, l, dir, ext);
    fclose(g);
    return spawn_wait(pid);
}

int lesson_chart_available(void)
{
    const char *path = getenv("PATH");
    char        buf[4096];
    while (path != NULL && *path) {
        size_t len = strcspn(path, ":");
        snprintf(buf, sizeof(buf), "%.*s/gnuplot", (int)len, path);
        if (access(buf, X_OK) == 0)
            return 1;
        path += len + (path[len] == ':');
    }
    return 0;
}

int lesson_chart(const cJSON *lesson, const char *dir, char *err, size_t errsz)
{
    const char *id = str(lesson, "id");
    if (id == NULL)
        return errf(err, errsz, "the lesson has no id");
    char errfile[4096];
    snprintf(errfile, sizeof(errfile), "%s/.%s.gnuplot.log", dir, id);
    static const char *const exts[] = {"png", "svg"};
    for (int k = 0; k < 2; k++) {
        char tmp[4200], final[4200];
        snprintf(tmp, sizeof(tmp), "%s/%s.%s.tmp", dir, id, exts[k]);
        snprintf(final, sizeof(final), "%s/%s.%s", dir, id, exts[k]);
        int         rc = run_gnuplot(lesson, dir, exts[k], errfile);
        struct stat st;
        if (rc != 0 || stat(tmp, &st) != 0 || st.st_size == 0) {
            char line[200];
            spawn_first_line(errfile, line, sizeof(line));
            unlink(tmp);
            unlink(errfile);
            return errc(rc < 0 ? rc : -EIO, err, errsz, "gnuplot failed on %s.%s (exit %d)%s%s", id,
                        exts[k], rc, line[0] ? ": " : "", line);
        }
        if (rename(tmp, final) != 0) {
            int e = errno;
            unlink(tmp);
            return errc(-e, err, errsz, "unable to write %s: %s", final, strerror(e));
        }
    }
    unlink(errfile);
    return 0;
}
