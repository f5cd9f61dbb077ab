/* snap_external.c - disk-only external snapshots, like `virsh
 * snapshot-create-as --disk-only`: a new qcow2 overlay per disk on top of
 * the current image (qemu-img create -b), the running guest switched to
 * it in one QMP transaction (blockdev-add + blockdev-snapshot), then the
 * live and persistent XML pointed at the overlays. Undone on failure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dom_dac.h"
#include "dom_run.h"
#include "dom_store.h"
#include "dom_xml.h"
#include "log.h"
#include "snap_priv.h"
#include "strbuf.h"
#include "qemu_img.h"

int
snap_is_external(const struct snap_def *s)
{
    if (s->memory == SNAP_LOC_EXTERNAL)
        return 1;
    for (size_t i = 0; i < s->n_disks; i++)
        if (s->disks[i].snapshot == SNAP_LOC_EXTERNAL)
            return 1;
    return 0;
}

/* libvirt's default overlay name: the image's suffix replaced by .SNAP */
static char *
overlay_name(const char *base, const char *snap)
{
    const char *slash = strrchr(base, '/'), *dot = strrchr(base, '.');

    if (dot && (!slash || dot > slash))
        return lv_asprintf("%.*s.%s", (int)(dot - base), base, snap);
    return lv_asprintf("%s.%s", base, snap);
}

/* The XML's <disk> entry for target dev, if the user gave one. */
static struct snap_disk *
user_disk(struct snap_def *s, const char *dev)
{
    for (size_t i = 0; i < s->n_disks; i++)
        if (strcmp(s->disks[i].name, dev) == 0)
            return &s->disks[i];
    return NULL;
}

struct ext {
    size_t n;
    size_t idx[32];          /* disk index in the domain */
    char *overlay[32];
    char *node[32];          /* new QMP node (running guest) */
    int created[32];
};

static void
ext_free(struct ext *x)
{
    for (size_t i = 0; i < x->n; i++) {
        free(x->overlay[i]);
        free(x->node[i]);
    }
}

static int
virtual_size(const char *path, const char *what, char *buf, size_t n,
             struct lv_err *err)
{
    struct qemu_img_info info;

    if (qemu_img_info(path, &info, err) < 0) {
        lv_err_prefix(err, "%s: ", what);
        return -1;
    }
    snprintf(buf, n, "%llu", (unsigned long long)info.capacity);
    qemu_img_info_clear(&info);
    return 0;
}

/* Plan and create the overlay files. */
static int
make_overlays(const struct dom_def *def, struct snap_def *s, struct ext *x,
              struct lv_err *err)
{
    for (size_t i = 0; i < def->n_disks; i++) {
        const struct dom_disk *k = &def->disks[i];
        struct snap_disk *u = k->target_dev ? user_disk(s, k->target_dev) : NULL;
        const char *fmt = k->driver_type ? k->driver_type : "raw";
        const char *file = u ? lv_attrs_get(&u->source_attrs, "file") : NULL;
        char what[300], size[32];
        if (!snap_disk_wanted(k) || (u && u->snapshot == SNAP_LOC_NO))
            continue;
        if (x->n == 32 || k->type != DOM_DISK_FILE) {
            lv_err_set(err, LV_E_UNSUPPORTED, "disk '%s': cannot make an external "
                       "snapshot of %s", k->target_dev,
                       x->n == 32 ? "more than 32 disks" : "a block device");
            return -1;
        }
        x->idx[x->n] = i;
        x->overlay[x->n] = file ? lv_strdup(file) : overlay_name(k->source, s->name);
        snprintf(what, sizeof(what), "disk '%s'", k->target_dev);
        if (access(x->overlay[x->n], F_OK) == 0) {
            lv_err_set(err, LV_E_EXISTS, "disk '%s': overlay '%s' already exists",
                       k->target_dev, x->overlay[x->n]);
            x->n++;
            return -1;
        }
        if (virtual_size(k->source, what, size, sizeof(size), err) < 0) {
            x->n++;
            return -1;
        }
        {
            char *argv[] = { (char *)"qemu-img", (char *)"create", (char *)"-q",
                             (char *)"-f", (char *)"qcow2", (char *)"-F", (char *)fmt,
                             (char *)"-b", k->source, (char *)"-u", x->overlay[x->n],
                             size, NULL };
            int r = qemu_img_run(argv, what, err);
            x->created[x->n++] = r == 0;
            if (r < 0)
                return -1;
        }
    }
    if (!x->n) {
        lv_err_set(err, LV_E_INVALID, "cannot take a disk-only snapshot: no "
                   "writable disk to snapshot");
        return -1;
    }
    return 0;
}

static void
del_nodes(struct qmp *q, struct ext *x)
{
    struct lv_err e2 = LV_ERR_INIT;

    for (size_t i = 0; i < x->n; i++)
        if (x->node[i]) {
            json_decref(dom_qmp_run(q, "blockdev-del", json_pack(
                            "{s:s}", "node-name", x->node[i]), &e2));
            free(x->node[i]);
            x->node[i] = NULL;
        }
}

/* Open the overlays in QEMU and switch all disks in one transaction. */
static int
switch_live(struct lv_conn *c, const char *dom, const struct dom_def *def,
            struct ext *x, struct lv_err *err)
{
    struct qmp *q = dom_qmp_connect(c, dom, err);
    json_t *actions = json_array(), *r;
    int ret = -1;
    static unsigned seq;

    if (!q)
        goto out;
    for (size_t i = 0; i < x->n; i++) {
        char *top = NULL, *drv = NULL;
        if (snap_qmp_node(q, dom, &def->disks[x->idx[i]], &top, &drv, err) < 0)
            goto out;
        free(drv);
        /* a confined QEMU opens the overlay as its user (dom_dac.h) */
        if (dom_dac_grant_live(c, dom, x->overlay[i], 0, "snapshot overlay", err) < 0) {
            free(top);
            goto out;
        }
        x->node[i] = lv_asprintf("ov%u-%ld-%zu", seq++, (long)getpid() % 100000, i);
        /* no backing: blockdev-snapshot attaches the current top */
        r = dom_qmp_run(q, "blockdev-add", json_pack(
                "{s:s, s:s, s:{s:s, s:s}, s:n}", "driver", "qcow2",
                "node-name", x->node[i], "file", "driver", "file",
                "filename", x->overlay[i], "backing"), err);
        if (!r) {
            free(x->node[i]);
            x->node[i] = NULL;
            free(top);
            goto out;
        }
        json_decref(r);
        json_array_append_new(actions, json_pack("{s:s, s:{s:s, s:s}}", "type",
                              "blockdev-snapshot", "data", "node", top,
                              "overlay", x->node[i]));
        free(top);
    }
    r = dom_qmp_run(q, "transaction", json_pack("{s:O}", "actions",
                             actions), err);
    if (!r)
        goto out;
    json_decref(r);
    for (size_t i = 0; i < x->n; i++) {   /* now owned by the disks */
        free(x->node[i]);
        x->node[i] = NULL;
    }
    ret = 0;
out:
    if (ret < 0 && q)
        del_nodes(q, x);
    json_decref(actions);
    qmp_close(q);
    return ret;
}

static void
point_disks(struct dom_def *def, const struct dom_def *orig, const struct ext *x)
{
    for (size_t i = 0; i < x->n; i++) {
        const char *dev = orig->disks[x->idx[i]].target_dev;
        for (size_t j = 0; j < def->n_disks; j++) {
            struct dom_disk *k = &def->disks[j];
            if (!k->target_dev || strcmp(k->target_dev, dev) != 0)
                continue;
            dom_def_disk_push_down(k);    /* an explicit chain grows */
            free(k->source);
            k->source = lv_strdup(x->overlay[i]);
            free(k->driver_type);
            k->driver_type = lv_strdup("qcow2");
        }
    }
}

/* Point the live XML (running) and the persistent XML at the overlays. */
static int
update_xml(struct lv_conn *c, const char *dom, const struct dom_def *def,
           int active, const struct ext *x, struct lv_err *err)
{
    struct dom_def *d = NULL;
    char *live = NULL;
    int ret = -1;

    if (active) {
        live = dom_run_file(c, dom, "live.xml");
        d = dom_store_load_file(live, dom, err);
        if (!d)
            goto out;
        point_disks(d, def, x);
        if (dom_store_save_file(live, d, DOM_FORMAT_SECURE, err) < 0)
            goto out;
        dom_def_free(d);
        d = NULL;
    }
    if (dom_store_exists(c, dom)) {
        d = dom_store_load(c, dom, err);
        if (!d)
            goto out;
        point_disks(d, def, x);
        if (dom_store_save(c, d, err) < 0)
            goto out;
    }
    ret = 0;
out:
    dom_def_free(d);
    free(live);
    return ret;
}

static void
record_disks(const struct dom_def *def, struct snap_def *s, const struct ext *x)
{
    for (size_t j = 0; j < s->n_disks; j++) {   /* the user's list is rebuilt */
        free(s->disks[j].name);
        free(s->disks[j].type);
        lv_attrs_clear(&s->disks[j].driver_attrs);
        lv_xml_keep_clear(&s->disks[j].driver_keep);
        lv_attrs_clear(&s->disks[j].source_attrs);
        lv_xml_keep_clear(&s->disks[j].source_keep);
    }
    s->n_disks = 0;
    for (size_t i = 0; i < def->n_disks; i++) {
        const struct dom_disk *k = &def->disks[i];
        struct snap_disk *d;
        size_t m = 0;
        if (k->device != DOM_DISK_DISK || !k->target_dev)
            continue;
        while (m < x->n && x->idx[m] != i)
            m++;
        s->disks = lv_realloc(s->disks, (s->n_disks + 1) * sizeof(*d));
        d = &s->disks[s->n_disks++];
        memset(d, 0, sizeof(*d));
        d->name = lv_strdup(k->target_dev);
        d->snapshot = m < x->n ? SNAP_LOC_EXTERNAL : SNAP_LOC_NO;
        if (m < x->n) {
            lv_attrs_set(&d->driver_attrs, "type", "qcow2");
            lv_attrs_set(&d->source_attrs, "file", x->overlay[m]);
        }
    }
    s->has_disks = 1;
}

int
snap_external_create(struct lv_conn *c, const char *dom,
                     const struct dom_def *def, int active,
                     struct snap_def *s, struct lv_err *err)
{
    struct ext x;
    int ret = -1, switched = 0;

    memset(&x, 0, sizeof(x));
    if (make_overlays(def, s, &x, err) < 0)
        goto out;
    if (active && switch_live(c, dom, def, &x, err) < 0)
        goto out;
    switched = active;   /* from here the guest writes to the overlays */
    if (update_xml(c, dom, def, active, &x, err) < 0) {
        lv_log_error("dom %s: the guest uses the new overlays but its XML "
                     "could not be updated", dom);
        goto out;
    }
    record_disks(def, s, &x);
    ret = 0;
out:
    if (ret < 0 && !switched)
        for (size_t i = 0; i < x.n; i++)
            if (x.created[i] && unlink(x.overlay[i]) < 0 && errno != ENOENT)
                lv_log_warn("dom %s: cannot remove '%s'", dom, x.overlay[i]);
    ext_free(&x);
    return ret;
}
