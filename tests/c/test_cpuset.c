/* test_cpuset.c - host CPU lists: parse, format, host check. */
#include <string.h>

#include "cpuset.h"
#include "harness.h"

static char buf[LV_CPUSET_BUFLEN];

static const char *
round_trip(const char *s)
{
    cpu_set_t set;
    struct lv_err err = LV_ERR_INIT;

    if (lv_cpuset_parse(s, &set, &err) < 0) {
        snprintf(buf, sizeof(buf), "%s", err.msg);
        return buf;
    }
    if (lv_cpuset_format(&set, buf, sizeof(buf)) < 0)
        return "format failed";
    return buf;
}

int
main(void)
{
    struct lv_err err = LV_ERR_INIT;
    cpu_set_t set;
    char small[4];
    const char *r;

    r = round_trip("0-3,^2");
    CHECK(!strcmp(r, "0-1,3"), "0-3,^2 -> %s", r);
    r = round_trip("5,1,2,3");
    CHECK(!strcmp(r, "1-3,5"), "5,1,2,3 -> %s", r);
    r = round_trip("7");
    CHECK(!strcmp(r, "7"), "7 -> %s", r);
    r = round_trip(" 0 , 2-4 ");
    CHECK(!strcmp(r, "0,2-4"), "blanks -> %s", r);

    CHECK(lv_cpuset_parse("3-1", &set, &err) < 0 && err.code == LV_E_INVALID &&
          strstr(err.msg, "'3-1'"), "reversed range: %s", err.msg);
    CHECK(lv_cpuset_parse("0,^0", &set, &err) < 0 && strstr(err.msg, "no CPU"),
          "empty result: %s", err.msg);
    CHECK(lv_cpuset_parse("a", &set, &err) < 0, "letters");
    CHECK(lv_cpuset_parse("", &set, &err) < 0, "empty text");
    CHECK(lv_cpuset_parse("1,,2", &set, &err) < 0, "double comma");
    CHECK(lv_cpuset_parse("99999", &set, &err) < 0 && strstr(err.msg, "host has no CPU 99999"),
          "too large: %s", err.msg);

    CHECK(lv_cpuset_parse("0", &set, &err) == 0 && lv_cpuset_check_host(&set, &err) == 0,
          "CPU 0 exists");
    CHECK(lv_cpuset_parse("1000", &set, &err) == 0 &&
          lv_cpuset_check_host(&set, &err) < 0 && strstr(err.msg, "no CPU 1000"),
          "CPU 1000: %s", err.msg);
    CHECK(lv_cpuset_parse("0-100", &set, &err) == 0 &&
          lv_cpuset_format(&set, small, sizeof(small)) < 0 && small[0] == '\0',
          "small buffer");
    return TEST_DONE();
}
