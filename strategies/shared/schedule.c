/*
 * schedule.c: the names of --schedule's choices (schedule.h).
 */
#include "schedule.h"

const char *const schedule_names[] = {"dynamic", "static", NULL};
