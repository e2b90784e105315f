/*
 * lessonchart.h: a lesson's chart (PNG and SVG, 1280 x 720), drawn by
 * gnuplot from the lesson's JSON, as `concbench lesson ID --out DIR` and
 * make bench write them.
 */
#ifndef CONCBENCH_LESSONCHART_H
#define CONCBENCH_LESSONCHART_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Whether gnuplot is on PATH. */
int lesson_chart_available(void);

/* Draw DIR/ID.png and DIR/ID.svg from lesson (one object of `lesson ID
 * --json`), each written under a temporary name and renamed when whole.
 * Returns 0, or -errno with what gnuplot said in err. */
int lesson_chart(const cJSON *lesson, const char *dir, char *err, size_t errsz);

#endif
