/* test_obj_store.c - the one object store (core/obj_store.c) for domains,
 * networks and pools: write, read, names, the uuid index, autostart marks,
 * removal, and the errors a user sees for a missing or invalid name. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "obj_store.h"
#include "spawn.h"
#include "store.h"
#include "strbuf.h"

static const char U1[] = "c7a5fdbd-edaf-9455-926a-d65c16db1809";

static void
kind_roundtrip(struct lv_conn *c, const struct lv_kind *k)
{
    struct lv_err err = LV_ERR_INIT;
    char **names = NULL, *xml, *who;
    size_t n = 0, len = 0;

    CHECK(lv_obj_write(c, k, "b", U1, "<x>b</x>\n", &err) == 0, "%s write: %s", k->what, err.msg);
    CHECK(lv_obj_write(c, k, "a", NULL, "<x>a</x>\n", &err) == 0, "%s write a", k->what);
    CHECK(lv_obj_exists(c, k, "b") && !lv_obj_exists(c, k, "zz") && !lv_obj_exists(c, k, "../b"),
          "%s exists", k->what);
    xml = lv_obj_read(c, k, "b", &len, &err);
    CHECK(xml && !strcmp(xml, "<x>b</x>\n") && len == 9, "%s read", k->what);
    free(xml);
    CHECK(lv_obj_names(c, k, &names, &n, &err) == 0 && n == 2 && !strcmp(names[0], "a") &&
          !strcmp(names[1], "b"), "%s names: the two, sorted, no index dir", k->what);
    lv_store_names_free(names, n);
    who = lv_obj_uuid_lookup(c, k, U1);
    CHECK(who && !strcmp(who, "b"), "%s uuid -> b", k->what);
    free(who);
    CHECK(lv_obj_autostart_set(c, k, "b", 1, &err) == 0 && lv_obj_autostart_get(c, k, "b") == 1 &&
          lv_obj_autostart_get(c, k, "a") == 0, "%s autostart", k->what);
    CHECK(lv_obj_autostart_set(c, k, "b", 1, &err) == 0, "%s autostart twice", k->what);
    /* the index follows a rename; removing the old name keeps the new link */
    CHECK(lv_obj_write(c, k, "c", U1, "<x>c</x>\n", &err) == 0 &&
          lv_obj_remove(c, k, "b", U1, &err) == 0, "%s rename b -> c", k->what);
    who = lv_obj_uuid_lookup(c, k, U1);
    CHECK(who && !strcmp(who, "c"), "%s uuid -> c after the rename", k->what);
    free(who);
    CHECK(!lv_obj_exists(c, k, "b") && lv_obj_autostart_get(c, k, "b") == 0,
          "%s b gone with its mark", k->what);
    CHECK(lv_obj_remove(c, k, "c", U1, &err) == 0 && !lv_obj_uuid_lookup(c, k, U1),
          "%s removed with its index", k->what);
    CHECK(lv_obj_remove(c, k, "c", U1, &err) == 0, "%s removing twice is no error", k->what);
    lv_obj_remove(c, k, "a", NULL, &err);
    lv_err_clear(&err);
    CHECK(!lv_obj_read(c, k, "nope", NULL, &err) && err.code == k->missing &&
          strstr(err.msg, "'nope'") && strstr(err.msg, k->missing_msg), "%s missing: %s",
          k->what, err.msg);
    lv_err_clear(&err);
    CHECK(!lv_obj_read(c, k, ".hidden", NULL, &err) && err.code == k->missing,
          "%s invalid name reads as missing: %s", k->what, err.msg);
}

int
main(void)
{
    char tmpl[] = "/tmp/lvobj.XXXXXX";
    char *root = mkdtemp(tmpl);
    struct lv_err err = LV_ERR_INIT;
    struct lv_conn *c;

    setenv("LUAVIRT_ROOT", root, 1);
    c = lv_conn_open(NULL, &err);
    CHECK(c != NULL, "conn: %s", err.msg);
    if (!c)
        return TEST_DONE();
    kind_roundtrip(c, &LV_KIND_DOMAIN);
    kind_roundtrip(c, &LV_KIND_NETWORK);
    kind_roundtrip(c, &LV_KIND_POOL);
    CHECK(lv_obj_name_ok("web-1") && !lv_obj_name_ok("") && !lv_obj_name_ok(NULL) &&
          !lv_obj_name_ok("a/b") && !lv_obj_name_ok(".x"), "name rule");
    lv_conn_unref(c);
    {
        char *argv[] = { (char *)"rm", (char *)"-rf", root, NULL };
        char *out = NULL;
        lv_spawn_capture(argv, &out, NULL, 10000, &err);
        free(out);
    }
    return TEST_DONE();
}
