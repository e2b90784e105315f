/*
 * test_links.c: get_links from index JSON and URL lists, good and bad.
 */
#include "check.h"
#include "links.h"

#include <curl/curl.h>
#include <string.h>

static int parse(const char *text, const char *base, struct links *l, char *err)
{
    return links_parse(text, strlen(text), base, l, err, 256);
}

static int fails_with(const char *text, const char *needle)
{
    struct links l        = {0};
    char         err[256] = "";
    int          rc       = parse(text, NULL, &l, err);
    if (rc == 0 || strstr(err, needle) == NULL) {
        fprintf(stderr, "  input %.60s: rc %d, err '%s', wanted '%s'\n", text, rc, err, needle);
        links_free(&l);
        return 0;
    }
    return l.v == NULL && l.n == 0;
}

static void test_good_json(void)
{
    struct links l        = {0};
    char         err[256] = "";
    const char  *doc      = "{\"data\":["
                            "{\"link\":\"http://127.0.0.1:8080/files/a.png\",\"size\":123,"
                            "\"checksum\":\"xxh3:0123456789abcdef\"},"
                            "{\"link\":\"https://example.org/b.gif\"},"
                            "{\"link\":\"/files/c.png\",\"size\":null}"
                            "],\"success\":true}";
    CHECK(parse(doc, "http://127.0.0.1:8080/index.json", &l, err) == 0);
    CHECK(l.n == 3);
    if (l.n == 3) {
        CHECK(strcmp(l.v[0].url, "http://127.0.0.1:8080/files/a.png") == 0);
        CHECK(l.v[0].size == 123);
        CHECK(strcmp(l.v[0].checksum, "xxh3:0123456789abcdef") == 0);
        CHECK(l.v[1].size == -1 && l.v[1].checksum == NULL);
        CHECK(strcmp(l.v[2].url, "http://127.0.0.1:8080/files/c.png") == 0); /* relative */
    }
    links_free(&l);
    CHECK(l.n == 0 && l.v == NULL);
}

static void test_bad_json(void)
{
    CHECK(fails_with("{\"data\":[", "not valid JSON"));
    CHECK(fails_with("   ", "empty"));
    CHECK(fails_with("[1,2,3]", "not a JSON object"));
    CHECK(fails_with("{\"items\":[]}", "no \"data\" array"));
    CHECK(fails_with("{\"data\":{}}", "no \"data\" array"));
    CHECK(fails_with("{\"data\":[]}", "empty"));
    CHECK(fails_with("{\"data\":[{\"link\":42}]}", "entry 0 has no string \"link\""));
    CHECK(fails_with("{\"data\":[\"http://x/a\"]}", "entry 0 has no string \"link\""));
    CHECK(fails_with("{\"data\":[{\"link\":\"http://h/a\"},{\"link\":\"http://h/b\",\"size\":-4}]}",
                     "entry 1 has an invalid \"size\""));
    CHECK(fails_with("{\"data\":[{\"link\":\"http://h/a\",\"size\":1.5}]}", "invalid \"size\""));
    CHECK(fails_with("{\"data\":[{\"link\":\"http://h/a\",\"checksum\":7}]}", "non-string"));
    CHECK(fails_with("{\"data\":[{\"link\":\"ftp://h/a\"}]}", "unsupported scheme"));
    CHECK(fails_with("{\"data\":[{\"link\":\"file:///etc/passwd\"}]}", "unsupported scheme"));
}

static void test_lists(void)
{
    struct links l        = {0};
    char         err[256] = "";
    const char  *list     = "# flags\n"
                            "\n"
                            "  http://127.0.0.1:1/files/a.bin  \r\n"
                            "\t\n"
                            "https://example.org/x/y.png\n"
                            "http://127.0.0.1:1/last"; /* no final newline */
    CHECK(parse(list, NULL, &l, err) == 0);
    CHECK(l.n == 3);
    if (l.n == 3) {
        CHECK(strcmp(l.v[0].url, "http://127.0.0.1:1/files/a.bin") == 0);
        CHECK(l.v[0].size == -1 && l.v[0].checksum == NULL);
        CHECK(strcmp(l.v[2].url, "http://127.0.0.1:1/last") == 0);
    }
    links_free(&l);
    CHECK(fails_with("# only a comment\n\n", "no URLs"));
    CHECK(fails_with("http://ok/a\nftp://bad/b\n", "line 2: unsupported scheme"));
    CHECK(fails_with("http://ok/a\nnot a url at all\n", "line 2"));
}

static void test_files(void)
{
    struct links l        = {0};
    char         err[256] = "";
    CHECK(links_load_file("/nonexistent/index.json", &l, err, sizeof(err)) != 0);
    CHECK(strstr(err, "No such file") != NULL);
    CHECK(links_load_file("/", &l, err, sizeof(err)) != 0);
}

static int near(double a, double b)
{
    return a > b - 1e-9 && a < b + 1e-9;
}

/* The latency bound: in-order schedule of each file's delay. */
static void test_bound(void)
{
    struct links l        = {0};
    char         err[256] = "";
    /* The course's lesson at a tenth: 2, 2, 5 at 2 workers is 7, not 5. */
    const char *uneven = "{\"delay_ms\":0,\"data\":[{\"link\":\"http://h/a\",\"delay_ms\":200},"
                         "{\"link\":\"http://h/b\",\"delay_ms\":200},"
                         "{\"link\":\"http://h/c\",\"delay_ms\":500}]}";
    CHECK(parse(uneven, NULL, &l, err) == 0);
    CHECK(near(links_bound_s(&l, 1), 0.9));
    CHECK(near(links_bound_s(&l, 2), 0.7));
    CHECK(near(links_bound_s(&l, 3), 0.5));
    CHECK(near(links_bound_s(&l, 50), 0.5));
    links_free(&l);
    /* One delay for all: ceil(n / w) x delay. */
    const char *even =
        "{\"delay_ms\":50,\"data\":[{\"link\":\"http://h/a\"},{\"link\":\"http://h/b\"},"
        "{\"link\":\"http://h/c\"},{\"link\":\"http://h/d\"},{\"link\":\"http://h/e\"}]}";
    CHECK(parse(even, NULL, &l, err) == 0);
    CHECK(near(links_bound_s(&l, 1), 0.25));
    CHECK(near(links_bound_s(&l, 2), 0.15));
    CHECK(near(links_bound_s(&l, 4), 0.10));
    CHECK(near(links_bound_s(&l, 5), 0.05));
    links_free(&l);
    /* No delay known: no bound. */
    CHECK(parse("{\"data\":[{\"link\":\"http://h/a\"}]}", NULL, &l, err) == 0);
    CHECK(links_bound_s(&l, 1) == 0);
    links_free(&l);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    test_good_json();
    test_bad_json();
    test_lists();
    test_files();
    test_bound();
    curl_global_cleanup();
    return check_done("test_links");
}
