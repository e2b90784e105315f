/*
 * lessonrun.h: how a lesson's series are run: the fixture server the
 * lesson asks for, one `concbench run --json` process of this binary per
 * series and round (interleaved, the first series rotating), a scratch
 * folder for downloads, the load before each round. The engine
 * (lesson.c) decides; this only measures.
 */
#ifndef CONCBENCH_LESSONRUN_H
#define CONCBENCH_LESSONRUN_H

#include "lesson.h"

#include <stddef.h>

struct lesson_opts {
    unsigned seed;     /* the fixture server's seed */
    double   budget_s; /* 0: the lesson's own */
    int      quiet;    /* no progress on stderr */
};

enum verdict { V_HOLDS, V_CONTRADICTED, V_INCONCLUSIVE };

/* The verdict of one part on its interval (lesson.c). */
struct interval;
enum verdict lesson_decide(const struct lesson_part *p, struct interval ci);

struct lessonrun;

/* What the series needs that this build lacks ("strategy mpi"), or NULL. */
const char *lessonrun_missing(const struct lesson_series *s);

/* Start the lesson's server (if it declares one) and its scratch folder.
 * Returns 0 or -errno with a message in err. */
int lessonrun_start(const struct lesson *l, unsigned seed, struct lessonrun **out, char *err,
                    size_t errsz);

/* Run every series once, in round r's order, into *res (the caller frees
 * each sample's json). A run that fails leaves its sample's json NULL
 * (its statistic is then NaN); only a failure to start anything is an
 * error (-errno, message in err). */
int lessonrun_round(struct lessonrun *run, size_t r, struct lesson_round *res, char *err,
                    size_t errsz);

/* The first line the last failed run printed on stderr ("" if none). */
const char *lessonrun_last_error(const struct lessonrun *run);

/* Stop the server, remove the scratch folder, free run. */
void lessonrun_stop(struct lessonrun *run);

/* Expand "{cores}", "{cores+K}", "{cores*M}" and "{(cores+K)*M}" in word
 * for workers = w, into buf. Returns 0, or -EINVAL for an expression it
 * does not know (a bug in a lesson). */
int lessonrun_expand(const char *word, unsigned w, char *buf, size_t bufsz);

#endif
