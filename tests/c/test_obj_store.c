/* test_obj_store.c - the one object store (core/obj_store.c) for domains,
 * networks and pools: write, read, names, the uuid index, autostart marks,
 * removal, and the errors a user sees for a missing or invalid name. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "obj_store.h"
#include "spawn.h"
#include "store.h"
#include "strbuf.h"

static const char U1[] = "c7a5fdbd-edaf-9455-926a-d65c16db1809";
static const char U2[] = "0b5a8c77-3f7e-4f6b-9d3c-5e4a2f1e0d9c";
#define XB "<x>\n  <name>b</name>\n  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>\n</x>\n"
#define XC "<x><uuid>C7A5FDBD-EDAF-9455-926A-D65C16DB1809</uuid></x>\n"
#define XC2 "<x><uuid>0b5a8c77-3f7e-4f6b-9d3c-5e4a2f1e0d9c</uuid></x>\n"

static int
file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static int
link_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static void
touch(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0)
        close(fd);
}

/* issue 11: what a killed define or undefine left is cleaned by the next
 * holder of the same lock, and the lock file goes with its object */
static void
kind_leftovers(struct lv_conn *c, const struct lv_kind *k)
{
    struct lv_err err = LV_ERR_INIT;
    char *tmp = lv_asprintf("%s/%s/c.xml.tmp.999999", c->lib_dir, k->dir);
    char *other = lv_asprintf("%s/%s/d.xml.tmp.999999", c->lib_dir, k->dir);
    char *utmp = lv_asprintf("%s/%s/.uuid/%s.tmp.999999", c->lib_dir, k->dir, U2);
    char *u1 = lv_asprintf("%s/%s/.uuid/%s", c->lib_dir, k->dir, U1);
    char *u2 = lv_asprintf("%s/%s/.uuid/%s", c->lib_dir, k->dir, U2);
    char *lock = lv_asprintf("%s/locks/%s-c.lock", c->run_dir, k->lock);
    char *who;
    int fd;

    /* c was defined with U1, then redefined (after an undefine whose index
     * removal was killed) with U2: the U1 link is stale */
    CHECK(lv_obj_write(c, k, "c", U1, XC, &err) == 0 &&
          lv_obj_write(c, k, "c", U2, XC2, &err) == 0, "%s write c: %s", k->what, err.msg);
    CHECK(link_exists(u1), "%s the stale link is there", k->what);
    who = lv_obj_uuid_lookup(c, k, U1);
    CHECK(!who, "%s a stale uuid answers nothing, not '%s'", k->what, who ? who : "");
    free(who);
    who = lv_obj_uuid_lookup(c, k, U2);
    CHECK(who && !strcmp(who, "c"), "%s the true uuid answers c", k->what);
    free(who);
    /* a killed define's temp files: c's (and d's, which is not ours); the
     * killed command held c's lock and never released it */
    fd = lv_obj_lock(c, k, "c", &err);
    CHECK(fd >= 0, "%s lock c: %s", k->what, err.msg);
    close(fd);
    touch(tmp);
    touch(other);
    CHECK(symlink("c", utmp) == 0, "%s make a half-made link", k->what);
    fd = lv_obj_lock(c, k, "c", &err);
    CHECK(fd >= 0, "%s lock c: %s", k->what, err.msg);
    CHECK(!file_exists(tmp) && !link_exists(utmp) && !link_exists(u1),
          "%s the lock's taker cleaned c's temp file, half link and stale link",
          k->what);
    CHECK(file_exists(other) && link_exists(u2), "%s d's temp file and c's true "
          "link stay", k->what);
    lv_obj_unlock(c, k, "c", fd);
    CHECK(file_exists(lock), "%s c's lock file stays while c is defined", k->what);
    {
        struct stat st;
        CHECK(stat(lock, &st) == 0 && st.st_size == 0, "%s a released lock is unmarked "
              "(the next taker has nothing to clean)", k->what);
    }
    /* undefine: the lock file goes with the object */
    fd = lv_obj_lock(c, k, "c", &err);
    CHECK(fd >= 0 && lv_obj_remove(c, k, "c", U2, &err) == 0, "%s remove c", k->what);
    lv_obj_unlock(c, k, "c", fd);
    CHECK(!file_exists(lock), "%s c's lock file went with c", k->what);
    /* a name never defined leaves no lock behind */
    fd = lv_obj_lock(c, k, "never", &err);
    lv_obj_unlock(c, k, "never", fd);
    free(lock);
    lock = lv_asprintf("%s/locks/%s-never.lock", c->run_dir, k->lock);
    CHECK(fd >= 0 && !file_exists(lock), "%s no lock file for a name never defined",
          k->what);
    unlink(other);
    free(lock);
    free(u2);
    free(u1);
    free(utmp);
    free(other);
    free(tmp);
}

/* A waiter on a lock file that its holder removes takes the lock on the
 * file now at the path, never on the removed one. */
static void
lock_recheck(const char *root)
{
    struct lv_err err = LV_ERR_INIT;
    char *path = lv_asprintf("%s/recheck.lock", root);
    int p[2], fd = lv_store_lock(path, 1, &err), ok = 0;
    pid_t pid;

    CHECK(fd >= 0 && pipe(p) == 0, "lock: %s", err.msg);
    pid = fork();
    if (pid == 0) {
        int cfd = lv_store_lock(path, 1, &err);
        struct stat a, b;
        char r = (cfd >= 0 && fstat(cfd, &a) == 0 && stat(path, &b) == 0 &&
                  a.st_ino == b.st_ino) ? 'y' : 'n';
        if (write(p[1], &r, 1) != 1)
            _exit(2);
        _exit(0);
    }
    lv_store_lock_remove(path, fd);
    {
        char r = 0;
        ok = read(p[0], &r, 1) == 1 && r == 'y';
    }
    waitpid(pid, NULL, 0);
    CHECK(ok, "the waiter holds the lock on the file at the path");
    close(p[0]);
    close(p[1]);
    unlink(path);
    free(path);
}


static void
kind_roundtrip(struct lv_conn *c, const struct lv_kind *k)
{
    struct lv_err err = LV_ERR_INIT;
    char **names = NULL, *xml, *who;
    size_t n = 0, len = 0;

    CHECK(lv_obj_write(c, k, "b", U1, XB, &err) == 0, "%s write: %s", k->what, err.msg);
    CHECK(lv_obj_write(c, k, "a", NULL, "<x>a</x>\n", &err) == 0, "%s write a", k->what);
    CHECK(lv_obj_exists(c, k, "b") && !lv_obj_exists(c, k, "zz") && !lv_obj_exists(c, k, "../b"),
          "%s exists", k->what);
    xml = lv_obj_read(c, k, "b", &len, &err);
    CHECK(xml && !strcmp(xml, XB) && len == strlen(XB), "%s read", k->what);
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
    CHECK(lv_obj_write(c, k, "c", U1, XC, &err) == 0 &&
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
    kind_leftovers(c, &LV_KIND_DOMAIN);
    kind_leftovers(c, &LV_KIND_NETWORK);
    kind_leftovers(c, &LV_KIND_POOL);
    lock_recheck(root);
    CHECK(lv_obj_name_ok("web-1") && !lv_obj_name_ok("") && !lv_obj_name_ok(NULL) &&
          !lv_obj_name_ok("a/b") && !lv_obj_name_ok(".x"), "name rule");
    lv_conn_unref(c);
    harness_rm_tree(root);
    return TEST_DONE();
}
