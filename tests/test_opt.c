/*
 * test_opt.c: option tables: defaults go through the parser, every type
 * parses and refuses as documented, values come back as text and JSON.
 */
#include "check.h"
#include "opt.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct o {
    uint64_t    n;
    double      rate;
    const char *name;
    unsigned    mode;
    int         flag;
};

static const char *const modes[] = {"local", "atomic", "none", NULL};

static const struct opt table[] = {
    {.name   = "n",
     .type   = OPT_UINT,
     .offset = offsetof(struct o, n),
     .def    = "42",
     .help   = "n",
     .min    = 1,
     .max    = 1000},
    {.name   = "rate",
     .type   = OPT_REAL,
     .offset = offsetof(struct o, rate),
     .def    = "0.5",
     .help   = "rate",
     .fmin   = 0,
     .fmax   = 1},
    {.name = "name", .type = OPT_TEXT, .offset = offsetof(struct o, name), .help = "name"},
    {.name    = "mode",
     .type    = OPT_CHOICE,
     .offset  = offsetof(struct o, mode),
     .def     = "atomic",
     .choices = modes,
     .help    = "mode"},
    {.name = "flag", .type = OPT_FLAG, .offset = offsetof(struct o, flag), .help = "flag"},
    OPT_END,
};

static int refuses(const char *name, const char *val, const char *want)
{
    struct o v        = {0};
    char     err[256] = "";
    int      rc       = opt_parse(opt_find(table, name), val, &v, err, sizeof(err));
    return rc != 0 && strstr(err, want) != NULL;
}

int main(void)
{
    struct o v = {0};
    char     err[256], buf[64];
    CHECK(opt_defaults(table, &v, err, sizeof(err)) == 0);
    CHECK(v.n == 42 && v.rate == 0.5 && v.name == NULL && v.mode == 1 && v.flag == 0);
    CHECK(opt_find(table, "nope") == NULL && opt_find(NULL, "n") == NULL);

    CHECK(opt_parse(opt_find(table, "n"), "1000", &v, err, sizeof(err)) == 0 && v.n == 1000);
    CHECK(opt_parse(opt_find(table, "mode"), "none", &v, err, sizeof(err)) == 0 && v.mode == 2);
    CHECK(opt_parse(opt_find(table, "flag"), NULL, &v, err, sizeof(err)) == 0 && v.flag == 1);
    CHECK(opt_parse(opt_find(table, "name"), "x", &v, err, sizeof(err)) == 0 &&
          strcmp(v.name, "x") == 0);

    CHECK(refuses("n", "0", "--n: 0 is out of range (1..1000)"));
    CHECK(refuses("n", "-3", "--n: '-3' is not a whole number"));
    CHECK(refuses("n", "4x", "is not a whole number"));
    CHECK(refuses("n", "99999999999999999999999", "out of range"));
    CHECK(refuses("rate", "1.5", "--rate: 1.5 is out of range"));
    CHECK(refuses("rate", "nan", "--rate: 'nan' is not a number"));
    CHECK(refuses("mode", "some", "--mode: 'some' is not local, atomic or none"));
    CHECK(refuses("name", "", "--name: empty value"));

    opt_format(opt_find(table, "mode"), &v, buf, sizeof(buf));
    CHECK(strcmp(buf, "none") == 0);
    cJSON *obj = cJSON_CreateObject();
    opt_values_json(table, &v, obj);
    CHECK(cJSON_GetObjectItem(obj, "n")->valuedouble == 1000);
    CHECK(strcmp(cJSON_GetObjectItem(obj, "mode")->valuestring, "none") == 0);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(obj, "flag")));
    cJSON_Delete(obj);
    cJSON *desc = opt_table_json(table);
    CHECK(cJSON_GetArraySize(desc) == 5);
    cJSON *mode = cJSON_GetArrayItem(desc, 3);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(mode, "choices")) == 3);
    CHECK(strcmp(cJSON_GetObjectItem(mode, "default")->valuestring, "atomic") == 0);
    cJSON_Delete(desc);
    return check_done("test_opt");
}
