/* conn.c - URI resolution and the state directories of a connection. */
#include "conn.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "strbuf.h"

static int
pick_dirs(struct lv_conn *c, struct lv_err *err)
{
    const char *root = getenv("LUAVIRT_ROOT");
    const char *home = getenv("HOME");
    const char *xdg_data = getenv("XDG_DATA_HOME");
    const char *xdg_run = getenv("XDG_RUNTIME_DIR");

    if (root && *root) {
        c->lib_dir = lv_asprintf("%s/lib", root);
        c->run_dir = lv_asprintf("%s/run", root);
        return 0;
    }
    if (!c->session) {
        c->lib_dir = lv_strdup("/var/lib/luavirt");
        c->run_dir = lv_strdup("/run/luavirt");
        return 0;
    }
    if (xdg_data && *xdg_data)
        c->lib_dir = lv_asprintf("%s/luavirt", xdg_data);
    else if (home && *home)
        c->lib_dir = lv_asprintf("%s/.local/share/luavirt", home);
    if (xdg_run && *xdg_run)
        c->run_dir = lv_asprintf("%s/luavirt", xdg_run);
    else if (home && *home)
        c->run_dir = lv_asprintf("%s/.cache/luavirt/run", home);
    if (!c->lib_dir || !c->run_dir) {
        lv_err_set(err, LV_E_INVALID,
                   "connection '%s': neither XDG_DATA_HOME nor HOME is set", c->uri);
        return -1;
    }
    return 0;
}

struct lv_conn *
lv_conn_open(const char *uri, struct lv_err *err)
{
    struct lv_conn *c = NULL;
    const char *env = getenv("LUAVIRT_DEFAULT_URI");
    char *sub = NULL;

    if (!uri || !*uri)
        uri = (env && *env) ? env : (geteuid() == 0 ? "qemu:///system"
                                                     : "qemu:///session");
    c = lv_calloc(1, sizeof(*c));
    c->refs = 1;
    if (strcmp(uri, "qemu:///system") == 0) {
        c->session = 0;
    } else if (strcmp(uri, "qemu:///session") == 0) {
        c->session = 1;
    } else {
        lv_err_set(err, LV_E_INVALID,
                   "connection '%s': unsupported URI (use qemu:///system or qemu:///session)",
                   uri);
        goto fail;
    }
    c->uri = lv_strdup(uri);
    if (pick_dirs(c, err) < 0)
        goto fail;
    sub = lv_asprintf("%s/qemu/autostart", c->lib_dir);
    if (lv_store_mkdirs(sub, 0755, err) < 0)
        goto fail;
    free(sub);
    sub = NULL;
    /* the run dirs hold QMP sockets, pids and logs: the owner's only,
     * whatever the umask (issue 11) */
    if (lv_store_mkdir_private(c->run_dir, err) < 0)
        goto fail;
    sub = lv_asprintf("%s/qemu", c->run_dir);
    if (lv_store_mkdir_private(sub, err) < 0)
        goto fail;
    free(sub);
    sub = lv_asprintf("%s/locks", c->run_dir);
    if (lv_store_mkdir_private(sub, err) < 0)
        goto fail;
    free(sub);
    return c;
fail:
    free(sub);
    lv_conn_unref(c);
    return NULL;
}

struct lv_conn *
lv_conn_ref(struct lv_conn *c)
{
    if (c)
        c->refs++;
    return c;
}

void
lv_conn_unref(struct lv_conn *c)
{
    if (!c || --c->refs > 0)
        return;
    free(c->uri);
    free(c->lib_dir);
    free(c->run_dir);
    free(c);
}

static lv_guest_walk_fn guest_walker;

void
lv_conn_set_guest_walker(lv_guest_walk_fn walk)
{
    guest_walker = walk;
}

int
lv_conn_each_running_guest(const struct lv_conn *c, lv_guest_fn fn, void *arg,
                           struct lv_err *err)
{
    return guest_walker ? guest_walker(c, fn, arg, err) : 0;
}
