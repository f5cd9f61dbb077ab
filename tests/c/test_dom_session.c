/* test_dom_session.c - the one domain session (kvm/dom_session.c): an
 * unknown or invalid name is no-domain, a shut-off guest is refused where
 * the operation needs it running and accepted where not, the lock is held
 * for the session and released at its end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "kvm/dom_session.h"
#include "kvm/dom_store.h"
#include "dom_xml.h"
#include "store.h"
#include "spawn.h"
#include "strbuf.h"

static const char XML[] =
    "<domain type='qemu'><name>s1</name><memory unit='MiB'>64</memory>"
    "<os><type arch='x86_64'>hvm</type></os></domain>";

int
main(void)
{
    char tmpl[] = "/tmp/lvsess.XXXXXX";
    char *root = mkdtemp(tmpl), *lock;
    struct lv_err err = LV_ERR_INIT;
    struct lv_conn *c;
    struct dom_session s;
    struct dom_def *def;

    setenv("LUAVIRT_ROOT", root, 1);
    c = lv_conn_open(NULL, &err);
    CHECK(c != NULL, "conn: %s", err.msg);
    if (!c)
        return TEST_DONE();
    CHECK(dom_session_begin(&s, c, "nope", "reboot", DOM_SESSION_ACTIVE, &err) < 0 &&
          err.code == LV_E_NO_DOMAIN && strstr(err.msg, "domain 'nope'"),
          "unknown: %s", err.msg);
    lv_err_clear(&err);
    CHECK(dom_session_begin(&s, c, "../x", "reboot", 0, &err) < 0 &&
          err.code == LV_E_NO_DOMAIN, "invalid name: %s", err.msg);
    lv_err_clear(&err);
    def = dom_def_parse_xml(XML, strlen(XML), "test", 0, &err);
    CHECK(def && dom_store_save(c, def, &err) == 0, "define: %s", err.msg);
    dom_def_free(def);
    CHECK(dom_session_begin(&s, c, "s1", "reboot", DOM_SESSION_ACTIVE, &err) < 0 &&
          err.code == LV_E_STATE &&
          strcmp(err.msg, "domain 's1': cannot reboot: not running") == 0,
          "shut off, active needed: %s", err.msg);
    lv_err_clear(&err);
    CHECK(dom_session_begin(&s, c, "s1", "attach", 0, &err) == 0 && s.lock_fd >= 0 &&
          s.st.state == DOM_STATE_SHUTOFF, "shut off, not needed: %s", err.msg);
    lock = dom_lock_path(c, "s1");
    CHECK(lv_store_is_locked(lock, NULL) == 1, "locked during the session");
    dom_session_end(&s);
    CHECK(lv_store_is_locked(lock, NULL) == 0, "unlocked after it");
    dom_session_end(&s);   /* twice is harmless */
    free(lock);
    lv_conn_unref(c);
    harness_rm_tree(root);
    return TEST_DONE();
}
