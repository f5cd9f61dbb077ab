/* test_names.c - the one name rule (core/names.c): what is refused for
 * every kind, the message (kind, the name with control characters shown,
 * the reason), and what is still allowed. */
#include <string.h>

#include "harness.h"
#include "names.h"

static void
check_bad(const char *kind, const char *name, const char *want)
{
    struct lv_err err = LV_ERR_INIT;
    int rc = lv_name_check(kind, name, &err);

    CHECK(rc == -1 && err.code == LV_E_INVALID, "%s name should be refused: rc %d",
          kind, rc);
    CHECK(strcmp(err.msg, want) == 0, "message '%s', want '%s'", err.msg, want);
    CHECK(!strchr(err.msg, '\n'), "one line: '%s'", err.msg);
}

static void
check_good(const char *name)
{
    struct lv_err err = LV_ERR_INIT;

    CHECK(lv_name_check("domain", name, &err) == 0 && err.code == LV_E_OK,
          "'%s' should be a good name: %s", name, err.msg);
}

int
main(void)
{
    static const char *const kinds[] = {
        "domain", "network", "pool", "volume", "snapshot", NULL
    };
    char want[200], longname[260];

    for (int i = 0; kinds[i]; i++) {
        const char *k = kinds[i];
        snprintf(want, sizeof(want), "%s 'x\\x0ay': invalid name: it contains "
                 "the control character 0x0a", k);
        check_bad(k, "x\ny", want);
        snprintf(want, sizeof(want), "%s 'a/b': invalid name: it contains '/'", k);
        check_bad(k, "a/b", want);
        snprintf(want, sizeof(want), "%s '.x': invalid name: it starts with '.'", k);
        check_bad(k, ".x", want);
        snprintf(want, sizeof(want), "%s '': invalid name: it is empty", k);
        check_bad(k, "", want);
        check_bad(k, NULL, want);
    }
    check_bad("domain", "\x01", "domain '\\x01': invalid name: it contains the "
              "control character 0x01");
    check_bad("domain", "a\x7f", "domain 'a\\x7f': invalid name: it contains the "
              "control character 0x7f");
    check_bad("domain", "\ta", "domain '\\x09a': invalid name: it contains the "
              "control character 0x09");
    memset(longname, 'n', 201);
    longname[201] = '\0';
    {
        struct lv_err err = LV_ERR_INIT;
        CHECK(lv_name_check("pool", longname, &err) == -1 &&
              strstr(err.msg, "it is 201 bytes long, at most 200") &&
              strstr(err.msg, "...'"), "too long: %s", err.msg);
    }
    longname[200] = '\0';
    check_good(longname);
    check_good("web1");
    check_good("a.b");
    check_good("x..y");
    check_good("s-1 ok");
    check_good("caf\xc3\xa9");   /* UTF-8 is not a control character */
    return TEST_DONE();
}
