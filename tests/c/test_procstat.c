/* test_procstat.c - /proc stat parsing, and reading our own process. */
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "procstat.h"

int
main(void)
{
    struct lv_procstat s;
    struct lv_err err = LV_ERR_INIT;
    long hz = sysconf(_SC_CLK_TCK);
    /* a name with blanks and a ')' inside; utime 250, stime 50, cpu 3 */
    const char *text = "4242 (qemu) x (y)) S 1 4242 4242 0 -1 4194560 100 0 0 0 "
        "250 50 0 0 20 0 5 0 1000 100000000 5000 18446744073709551615 1 1 0 0 0 "
        "0 0 4096 0 0 0 0 17 3 0 0 0 0 0\n";

    CHECK(lv_procstat_parse(text, &s) == 0, "parses");
    CHECK(s.state == 'S', "state %c", s.state);
    CHECK(s.user_ns == 250ULL * (1000000000ULL / (unsigned long long)hz),
          "utime %llu", (unsigned long long)s.user_ns);
    CHECK(s.system_ns == 50ULL * (1000000000ULL / (unsigned long long)hz),
          "stime %llu", (unsigned long long)s.system_ns);
    CHECK(s.processor == 3, "processor %d", s.processor);
    CHECK(lv_procstat_parse("4242 (qemu) S 1 2 3", &s) < 0, "short line refused");
    CHECK(lv_procstat_parse("no parens", &s) < 0, "no name refused");

    CHECK(lv_procstat_read(getpid(), getpid(), &s, &err) == 0, "own thread: %s", err.msg);
    CHECK(lv_procstat_read(getpid(), 0, &s, &err) == 0, "own process: %s", err.msg);
    CHECK(lv_procstat_rss_kib(getpid(), &err) > 0, "own rss: %s", err.msg);
    CHECK(lv_procstat_read(999999999, 0, &s, &err) < 0 && err.code == LV_E_SYSTEM &&
          strstr(err.msg, "/proc/999999999/stat"), "gone: %s", err.msg);
    return TEST_DONE();
}
