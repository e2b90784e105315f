/*
 * opt.h: option tables: how a plug-in declares its knobs, and the one
 * parser, help printer and JSON exporter built from them.
 *
 * A plug-in keeps its options in a struct of its own and describes every
 * field in a table of struct opt ended by OPT_END: the flag's name, its
 * type, where the field lives in the struct, its range or choices, its
 * default (written as a user would type it, so a default goes through the
 * same parser as any value) and one line of help. The command line,
 * --help, validation, `concbench list --json` and the parameters recorded
 * with every result are all made from these tables, so they cannot
 * disagree.
 *
 * This is not a command-line parser: it knows nothing of argv. It turns
 * one flag's text into one field, and back.
 *
 * Thread-safety: tables are read-only; every function is reentrant.
 */
#ifndef CONCBENCH_OPT_H
#define CONCBENCH_OPT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum opt_type {
    OPT_FLAG,   /* int, 1 when given; takes no value */
    OPT_UINT,   /* uint64_t in [min, max] */
    OPT_REAL,   /* double in [fmin, fmax] */
    OPT_TEXT,   /* const char *, pointing into argv or the table */
    OPT_CHOICE, /* unsigned: the index of the value in choices */
    OPT_TEXTS,  /* struct opt_texts: repeatable, every value kept in order */
};

/* The field of an OPT_TEXTS option: up to OPT_TEXTS_MAX values. */
#define OPT_TEXTS_MAX 16
struct opt_texts {
    const char *v[OPT_TEXTS_MAX];
    unsigned    n;
};

struct opt {
    const char        *name; /* the flag without its "--" */
    enum opt_type      type;
    size_t             offset;     /* of the field in the options struct */
    const char        *def;        /* default as typed; NULL: unset (0 / NULL) */
    const char        *metavar;    /* in help: N, MS, URL; NULL: from the type */
    const char        *help;       /* one line */
    uint64_t           min, max;   /* OPT_UINT */
    double             fmin, fmax; /* OPT_REAL */
    const char *const *choices;    /* OPT_CHOICE: NULL-terminated */
    /* A secret (a header carrying a token): results and logs show only
     * what precedes its first ':' ("Authorization: <hidden>") unless the
     * flag of this name, in the same table, is set. NULL: not secret. */
    const char *revealed_by;
};

#define OPT_END                                                                                    \
    {                                                                                              \
        .name = NULL                                                                               \
    }

/* Set every option of table to its default in opts (which the caller
 * zeroed). Returns 0, or -EINVAL with a message when a default does not
 * parse: a bug in the table, which the registry test catches. */
int opt_defaults(const struct opt *table, void *opts, char *err, size_t errsz);

/* The option called name in table, or NULL. table may be NULL. */
const struct opt *opt_find(const struct opt *table, const char *name);

/* Parse val as the value of o into opts. Returns 0, or -EINVAL / -ERANGE
 * with a one-line message naming --name and what it accepts. */
int opt_parse(const struct opt *o, const char *val, void *opts, char *err, size_t errsz);

/* Typed reads of a field; o must have the matching type. */
uint64_t                opt_get_uint(const struct opt *o, const void *opts);
double                  opt_get_real(const struct opt *o, const void *opts);
const char             *opt_get_text(const struct opt *o, const void *opts);
const struct opt_texts *opt_get_texts(const struct opt *o, const void *opts);
unsigned                opt_get_choice(const struct opt *o, const void *opts);
int                     opt_get_flag(const struct opt *o, const void *opts);

/* The value of o in opts as text ("" when unset). */
void opt_format(const struct opt *o, const void *opts, char *buf, size_t bufsz);

/* Print one help line per option, indented, with its default. */
void opt_help(FILE *f, const struct opt *table);

/* The table as a JSON array of {name, type, default, min, max, choices,
 * help}. NULL on out of memory. */
cJSON *opt_table_json(const struct opt *table);

/* Add every option's value in opts to obj, typed (numbers as numbers; a
 * repeatable option as an array; a secret as its name only, see
 * revealed_by). */
void opt_values_json(const struct opt *table, const void *opts, cJSON *obj);

/* Number of entries in a NULL-terminated string list. */
size_t opt_count_choices(const char *const *choices);

#endif
