/* test_strbuf.c - the growable string buffer and error helpers. */
#include <string.h>
#include <stdlib.h>

#include "err.h"
#include "harness.h"
#include "strbuf.h"

static void
test_empty(void)
{
    struct strbuf b = STRBUF_INIT;
    char *s = strbuf_steal(&b);

    CHECK(s && s[0] == '\0', "an empty buffer steals as \"\"");
    free(s);
    CHECK(strcmp(strbuf_cstr(&b), "") == 0, "an empty buffer reads as \"\"");
    strbuf_free(&b);
}

static void
test_growth(void)
{
    struct strbuf b = STRBUF_INIT;

    for (int i = 0; i < 1000; i++)
        strbuf_addf(&b, "%d,", i);
    CHECK(strncmp(b.s, "0,1,2,", 6) == 0, "start kept");
    CHECK(b.len == strlen(b.s), "len matches: %zu", b.len);
    strbuf_reset(&b);
    CHECK(strcmp(strbuf_cstr(&b), "") == 0, "reset empties");
    strbuf_addc(&b, 'x');
    strbuf_adds(&b, "yz");
    CHECK(strcmp(strbuf_cstr(&b), "xyz") == 0, "add char and string");
    strbuf_free(&b);
}

static void
test_err(void)
{
    struct lv_err e = LV_ERR_INIT;
    char big[600];

    lv_err_set(&e, LV_E_NO_DOMAIN, "domain '%s': no such domain", "web1");
    lv_err_prefix(&e, "cannot start: ");
    CHECK(strcmp(e.msg, "cannot start: domain 'web1': no such domain") == 0,
          "prefix: %s", e.msg);
    CHECK(strcmp(lv_errcode_to_str(e.code), "no-domain") == 0, "code name");
    CHECK(lv_errcode_from_str("busy") == LV_E_BUSY, "code from name");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    lv_err_set(&e, LV_E_INVALID, "%s", big);
    lv_err_prefix(&e, "x: ");
    CHECK(strlen(e.msg) == sizeof(e.msg) - 1, "a long message is cut at the buffer");
}

int
main(void)
{
    test_empty();
    test_growth();
    test_err();
    return TEST_DONE();
}
