/* snap_pending.c - half-made internal snapshots (see snap_priv.h): a create
 * marks its snapshot pending before QEMU or qemu-img takes it and clears the
 * mark once the metadata is stored, so the next snapshot command under the
 * domain's lock knows which tag in the images a killed create left, and
 * removes only that, never a snapshot someone made by hand. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dom.h"
#include "dom_run.h"
#include "log.h"
#include "snap_priv.h"
#include "store.h"
#include "strbuf.h"

static char *
pending_path(const struct lv_conn *c, const char *dom, const char *name)
{
    return snap_file(c, dom, name, ".pending");
}

int
snap_pending_mark(struct lv_conn *c, const char *dom, const char *name,
                  struct lv_err *err)
{
    char *dir = snap_dir(c, dom), *p = pending_path(c, dom, name);
    int r = -1;

    if (lv_store_mkdirs(dir, 0755, err) == 0 &&
        lv_store_write_atomic(p, "", 0, 0600, err) == 0)
        r = 0;
    free(p);
    free(dir);
    return r;
}

void
snap_pending_clear(struct lv_conn *c, const char *dom, const char *name)
{
    char *p = pending_path(c, dom, name);
    struct lv_err err = LV_ERR_INIT;

    if (lv_store_remove(p, &err) < 0)
        lv_log_warn("%s", err.msg);
    free(p);
}

/* One pending snapshot: kept when its metadata made it, else removed. */
static int
settle(struct lv_conn *c, const char *dom, const char *name, struct lv_err *err)
{
    char *meta = lv_asprintf("%s/qemu/snapshot/%s/%s.xml", c->lib_dir, dom, name);
    struct dom_def *def = NULL;
    struct dom_status st;
    int ret = -1;

    if (access(meta, F_OK) == 0) {
        ret = 0;
        goto out;
    }
    if (dom_status_read(c, dom, &st, err) < 0 ||
        !(def = dom_get_def(c, dom, 0, err)))
        goto out;
    if (snap_internal_drop(c, dom, def, st.state != DOM_STATE_SHUTOFF, name, err) < 0)
        goto out;
    lv_log_info("dom %s: removed the half-made snapshot '%s' a killed command left",
                dom, name);
    ret = 0;
out:
    if (ret == 0)
        snap_pending_clear(c, dom, name);
    dom_def_free(def);
    free(meta);
    return ret;
}

int
snap_pending_clean(struct lv_conn *c, const char *dom, struct lv_err *err)
{
    char *dir = snap_dir(c, dom);
    char **names = NULL;
    size_t n = 0;
    int ret = -1;

    if (lv_store_list_dir(dir, ".pending", 0, &names, &n, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (settle(c, dom, names[i], err) < 0) {
            lv_err_prefix(err, "snapshot '%s' of domain '%s': cannot remove what "
                          "a killed snapshot command left: ", names[i], dom);
            goto out;
        }
    }
    ret = 0;
out:
    lv_store_names_free(names, n);
    free(dir);
    return ret;
}
