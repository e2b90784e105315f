/*
 * test_save.c: the download dir, atomic saves, and URL-to-name mapping.
 */
#include "check.h"
#include "save.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[PATH_MAX];

static size_t count_entries(const char *dir)
{
    size_t         n = 0;
    DIR           *d = opendir(dir);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

static int dir_prepare(const char *path)
{
    struct save_dir d;
    int             rc = save_dir_open(path, &d);
    if (rc == 0)
        save_dir_close(&d);
    return rc;
}

static void test_dir_prepare(void)
{
    char path[PATH_MAX + 64], file[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/a/b/c", root);
    CHECK(dir_prepare(path) == 0);
    CHECK(dir_prepare(path) == 0); /* idempotent */
    snprintf(file, sizeof(file), "%s/plain", root);
    FILE *f = fopen(file, "w");
    if (f)
        fclose(f);
    CHECK(dir_prepare(file) == -ENOTDIR || dir_prepare(file) == -EEXIST);
    snprintf(path, sizeof(path), "%s/plain/sub", root);
    CHECK(dir_prepare(path) == -ENOTDIR);
    CHECK(dir_prepare("") == -EINVAL);
}

/* A streamed file: invisible until committed, gone when aborted, and
 * replacing a file of the same name whole. */
static void test_stream(void)
{
    char            dir[PATH_MAX + 64], path[PATH_MAX + 80], buf[64] = "";
    struct save_dir d;
    snprintf(dir, sizeof(dir), "%s/stream", root);
    CHECK(save_dir_open(dir, &d) == 0);
    for (int round = 0; round < 2; round++) {
        struct save_file f;
        CHECK(save_open(&d, "s.bin", &f) == 0);
        CHECK(save_write(&f, "part one, ", 10) == 0);
        CHECK(count_entries(dir) == (size_t)round); /* not there until committed */
        CHECK(save_write(&f, round ? "two!" : "two.", 4) == 0);
        CHECK(save_commit(&f, &d, "s.bin") == 0);
        CHECK(count_entries(dir) == 1);
    }
    snprintf(path, sizeof(path), "%s/s.bin", dir);
    FILE  *fp = fopen(path, "r");
    size_t n  = fp ? fread(buf, 1, sizeof(buf), fp) : 0;
    if (fp)
        fclose(fp);
    CHECK(n == 14 && memcmp(buf, "part one, two!", 14) == 0);
    struct save_file g;
    CHECK(save_open(&d, "gone.bin", &g) == 0);
    CHECK(save_write(&g, "x", 1) == 0);
    save_abort(&g, &d);
    CHECK(count_entries(dir) == 1); /* nothing left of the aborted one */
    save_dir_close(&d);
}

static void test_atomic(void)
{
    char dir[PATH_MAX + 64], path[PATH_MAX + 80], buf[64] = "";
    snprintf(dir, sizeof(dir), "%s/out", root);
    CHECK(dir_prepare(dir) == 0);
    CHECK(save_atomic(dir, "x.bin", "first", 5) == 0);
    CHECK(save_atomic(dir, "x.bin", "second!", 7) == 0); /* replaces */
    snprintf(path, sizeof(path), "%s/x.bin", dir);
    FILE  *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
    if (f)
        fclose(f);
    CHECK(n == 7 && memcmp(buf, "second!", 7) == 0);
    CHECK(count_entries(dir) == 1); /* no temporary left */

    /* Errors leave nothing behind. */
    CHECK(save_atomic(dir, "../escape", "x", 1) == -EINVAL);
    CHECK(save_atomic(dir, ".hidden", "x", 1) == -EINVAL);
    CHECK(save_atomic(dir, "", "x", 1) == -EINVAL);
    snprintf(path, sizeof(path), "%s/missing", root);
    CHECK(save_atomic(path, "y.bin", "x", 1) == -ENOENT);
    CHECK(count_entries(dir) == 1);
    if (geteuid() != 0) { /* root ignores permissions */
        chmod(dir, 0500);
        CHECK(save_atomic(dir, "z.bin", "x", 1) == -EACCES);
        chmod(dir, 0700);
    }
}

static void test_names(void)
{
    char out[SAVE_NAME_MAX + 1];
    CHECK(save_name_from_url("http://h:1/files/flag-001.bin", out) == 0 &&
          strcmp(out, "flag-001.bin") == 0);
    CHECK(save_name_from_url("http://h/a/b.png?size=large#top", out) == 0 &&
          strcmp(out, "b.png") == 0);
    CHECK(save_name_from_url("http://h/", out) == -EINVAL);
    CHECK(save_name_from_url("http://h", out) == -EINVAL);
    CHECK(save_name_from_url("http://h/a/..", out) == -EINVAL);
    CHECK(save_name_from_url("http://h/a/.", out) == -EINVAL);
    CHECK(save_name_from_url("http://h/dir/", out) == -EINVAL);
    char longurl[400];
    snprintf(longurl, sizeof(longurl), "http://h/%0300d", 7);
    CHECK(save_name_from_url(longurl, out) == -EINVAL);
    CHECK(save_name_valid("ok.bin") && !save_name_valid("a/b") && !save_name_valid(".."));
}

int main(void)
{
    snprintf(root, sizeof(root), "%s/concbench-test-save-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(root) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_dir_prepare();
    test_stream();
    test_atomic();
    test_names();
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", root);
    return check_done("test_save");
}
