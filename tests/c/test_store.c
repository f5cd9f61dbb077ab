/* test_store.c - the state store: atomic writes, reads, locks, listings,
 * and the domain status file format that lives on it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "store.h"
#include "strbuf.h"
#include "../../kvm/dom_run.h"

static char *
tmpdir(void)
{
    char tmpl[] = "/tmp/lvstore.XXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? lv_strdup(d) : NULL;
}

static void
test_write_read(const char *dir)
{
    struct lv_err err = LV_ERR_INIT;
    char *p = lv_asprintf("%s/a/b/c.xml", dir);
    char *sub = lv_asprintf("%s/a/b", dir);
    size_t len = 0;
    char *text;

    CHECK(lv_store_mkdirs(sub, 0755, &err) == 0, "mkdirs: %s", err.msg);
    CHECK(lv_store_write_atomic(p, "hello", 5, 0600, &err) == 0, "write: %s", err.msg);
    text = lv_store_read(p, &len, &err);
    CHECK(text && len == 5 && strcmp(text, "hello") == 0, "read back");
    free(text);
    CHECK(lv_store_write_atomic(p, "", 0, 0600, &err) == 0, "write empty");
    text = lv_store_read(p, &len, &err);
    CHECK(text && len == 0 && text[0] == '\0', "an empty file reads as \"\"");
    free(text);
    text = lv_store_read("/nonexistent/x", NULL, &err);
    CHECK(!text && err.errnum == ENOENT && strstr(err.msg, "/nonexistent/x"),
          "missing file: %s", err.msg);
    /* a failed write leaves the old content and no temp file */
    CHECK(lv_store_write_atomic(p, "old", 3, 0600, &err) == 0, "write old");
    chmod(sub, 0500);
    if (geteuid() != 0) {
        CHECK(lv_store_write_atomic(p, "new", 3, 0600, &err) < 0, "write refused");
        text = lv_store_read(p, NULL, NULL);
        CHECK(text && strcmp(text, "old") == 0, "old content kept");
        free(text);
    }
    chmod(sub, 0755);
    CHECK(lv_store_remove(p, &err) == 0 && lv_store_remove(p, &err) == 0,
          "remove twice is fine");
    free(sub);
    free(p);
}

static void
test_locks(const char *dir)
{
    struct lv_err err = LV_ERR_INIT;
    char *p = lv_asprintf("%s/x.lock", dir);
    int fd;

    CHECK(lv_store_is_locked(p, &err) == 0, "no file: not locked");
    fd = lv_store_lock(p, 1, &err);
    CHECK(fd >= 0, "lock: %s", err.msg);
    CHECK(lv_store_is_locked(p, &err) == 1, "held lock seen");
    lv_store_unlock(fd);
    CHECK(lv_store_is_locked(p, &err) == 0, "released lock not seen");
    free(p);
}

static void
test_list(const char *dir)
{
    struct lv_err err = LV_ERR_INIT;
    char *d = lv_asprintf("%s/list", dir);
    char **names = NULL;
    size_t n = 0;
    const char *files[] = { "b.xml", "a.xml", ".hidden.xml", "c.txt" };

    lv_store_mkdirs(d, 0755, &err);
    for (size_t i = 0; i < 4; i++) {
        char *p = lv_asprintf("%s/%s", d, files[i]);
        lv_store_write_atomic(p, "x", 1, 0644, &err);
        free(p);
    }
    CHECK(lv_store_list_dir(d, ".xml", 0, &names, &n, &err) == 0, "list");
    CHECK(n == 2 && strcmp(names[0], "a") == 0 && strcmp(names[1], "b") == 0,
          "sorted .xml names without the suffix, no dot files (n=%zu)", n);
    lv_store_names_free(names, n);
    CHECK(lv_store_list_dir("/nonexistent", ".xml", 0, &names, &n, &err) == 0 && n == 0,
          "missing dir is empty");
    free(d);
}

static void
test_autostart(const char *dir)
{
    struct lv_err err = LV_ERR_INIT;
    char *link = lv_asprintf("%s/autostart/web1.xml", dir);
    char target[64];
    ssize_t n;

    char *def = lv_asprintf("%s/web1.xml", dir);

    /* a mark counts only while the definition it points at exists */
    lv_store_write_atomic(def, "<domain/>", 9, 0600, &err);
    CHECK(lv_store_autostart_get(dir, "web1") == 0, "not marked at first");
    CHECK(lv_store_autostart_set(dir, "domain", "web1", 1, &err) == 0, "mark: %s", err.msg);
    CHECK(lv_store_autostart_set(dir, "domain", "web1", 1, &err) == 0, "mark twice is fine");
    n = readlink(link, target, sizeof(target) - 1);
    CHECK(n > 0 && (target[n] = '\0', strcmp(target, "../web1.xml") == 0),
          "the link points at the definition, like libvirt's");
    CHECK(lv_store_autostart_get(dir, "web1") == 1, "marked");
    CHECK(lv_store_autostart_set(dir, "domain", "web1", 0, &err) == 0, "unmark");
    CHECK(lv_store_autostart_set(dir, "domain", "web1", 0, &err) == 0, "unmark twice");
    CHECK(lv_store_autostart_get(dir, "web1") == 0, "unmarked");
    CHECK(lv_store_autostart_set("/proc/nonexistent", "pool", "p", 1, &err) < 0 &&
          strstr(err.msg, "pool 'p'"), "an error names the object: %s", err.msg);
    CHECK(lv_store_autostart_set(dir, "domain", "web1", 1, &err) == 0, "mark again");
    unlink(def);
    CHECK(lv_store_autostart_get(dir, "web1") == 0, "a dangling mark does not count");
    lv_store_autostart_set(dir, "domain", "web1", 0, &err);
    free(def);
    free(link);
}

static void
test_status(void)
{
    struct dom_status st = { .state = DOM_STATE_PAUSED, .id = 7, .qemu_pid = 42,
                             .sup_pid = 41, .transient = 1, .started = 1700000000 };
    struct dom_status back;
    char *text;

    strcpy(st.reason, "user");
    strcpy(st.pty, "/dev/pts/3");
    text = dom_status_format(&st);
    dom_status_parse(text, &back);
    CHECK(back.state == DOM_STATE_PAUSED && back.id == 7 && back.qemu_pid == 42 &&
          back.sup_pid == 41 && back.transient == 1 && back.started == 1700000000 &&
          strcmp(back.reason, "user") == 0 && strcmp(back.pty, "/dev/pts/3") == 0,
          "status round trip:\n%s", text);
    free(text);
    dom_status_parse("garbage\nstate=nonsense\n", &back);
    CHECK(back.state == DOM_STATE_SHUTOFF && back.id == -1, "junk reads as shut off");
    CHECK(strcmp(dom_state_to_str(DOM_STATE_SHUTOFF), "shut off") == 0, "virsh words");
    CHECK(dom_state_from_str("in shutdown") == DOM_STATE_SHUTDOWN, "from words");
}

int
main(void)
{
    char *dir = tmpdir();

    CHECK(dir != NULL, "temp dir");
    if (dir) {
        test_write_read(dir);
        test_locks(dir);
        test_list(dir);
        test_autostart(dir);
    }
    test_status();
    if (dir) {
        /* best-effort cleanup of what the tests made */
        char *a = lv_asprintf("%s/a/b", dir), *b = lv_asprintf("%s/a", dir);
        char *l = lv_asprintf("%s/list", dir);
        const char *files[] = { "b.xml", "a.xml", ".hidden.xml", "c.txt" };
        for (size_t i = 0; i < 4; i++) {
            char *p = lv_asprintf("%s/%s", l, files[i]);
            unlink(p);
            free(p);
        }
        char *x = lv_asprintf("%s/x.lock", dir);
        unlink(x);
        char *ad = lv_asprintf("%s/autostart", dir);
        rmdir(ad);
        free(ad);
        rmdir(l); rmdir(a); rmdir(b); rmdir(dir);
        free(x); free(a); free(b); free(l);
        free(dir);
    }
    return TEST_DONE();
}
