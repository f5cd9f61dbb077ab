/* dom_disk_share.c - who else uses a disk image: the one-writer rule
 * checked before a guest opens its disks (start, hotplug), and undefine
 * --remove-all-storage, which deletes a guest's images only when no other
 * defined or running guest uses them (see dom_disk.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dom.h"
#include "dom_disk_priv.h"
#include "dom_store.h"
#include "log.h"
#include "dom_users.h"
#include "storage/storage.h"
#include "strbuf.h"

/* A disk that opens a local image. */
static int
has_image(const struct dom_disk *k)
{
    return k->source && (k->type == DOM_DISK_FILE || k->type == DOM_DISK_BLOCK);
}

static int
writable(const struct dom_disk *k)
{
    return !k->readonly && k->device != DOM_DISK_CDROM;
}

/* May a and b (of two guests) have the same image open at once? */
static int
may_share(const struct dom_disk *a, const struct dom_disk *b)
{
    if (!writable(a) && !writable(b))
        return 1;
    return a->shareable && b->shareable;
}

static int
conflicts_with(const struct dom_def *def, const struct dom_def *other,
               struct lv_err *err)
{
    for (size_t i = 0; i < def->n_disks; i++) {
        const struct dom_disk *a = &def->disks[i];
        if (!has_image(a))
            continue;
        for (size_t j = 0; j < other->n_disks; j++) {
            const struct dom_disk *b = &other->disks[j];
            if (!has_image(b) || !dom_disk_same_file(a->source, b->source) ||
                may_share(a, b))
                continue;
            lv_err_set(err, LV_E_BUSY, "domain '%s': disk '%s': '%s' is already "
                       "in use by running domain '%s' (as '%s'%s); mark it "
                       "<shareable/> in both guests or use it readonly",
                       def->name, a->target_dev, a->source, other->name,
                       b->target_dev, writable(b) ? ", writable" : "");
            return -1;
        }
    }
    return 0;
}

struct conflict_walk {
    const struct dom_def *def;
    struct lv_err *err;
};

static int
check_one(const char *name, const struct dom_def *other, void *arg)
{
    struct conflict_walk *w = arg;

    if (!strcmp(name, w->def->name))
        return 0;
    return conflicts_with(w->def, other, w->err);
}

int
dom_disk_check_conflicts(struct lv_conn *c, const struct dom_def *def,
                         struct lv_err *err)
{
    struct conflict_walk w = { def, err };
    int any = 0;

    for (size_t i = 0; i < def->n_disks && !any; i++)
        any = has_image(&def->disks[i]);
    if (!any)
        return 0;
    return dom_each_running(c, check_one, &w, err) < 0 ? -1 : 0;
}

void
dom_disk_removed_free(struct dom_disk_removed *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].target);
        free(r[i].path);
        free(r[i].why);
    }
    free(r);
}

/* The first disk of def whose image other uses too, or NULL. */
static const struct dom_disk *
shared_disk(const struct dom_def *def, const struct dom_def *other)
{
    for (size_t j = 0; other && j < def->n_disks; j++)
        for (size_t k = 0; k < other->n_disks; k++)
            if (has_image(&def->disks[j]) &&
                dom_disk_same_file(def->disks[j].source, other->disks[k].source))
                return &def->disks[j];
    return NULL;
}

/* Another guest (defined, or running with its live disks) that uses one
 * of def's images: LV_E_BUSY naming both. */
static int
check_unused(struct lv_conn *c, const struct dom_def *def, struct lv_err *err)
{
    struct dom_entry *e = NULL;
    size_t n = 0;
    int ret = 0;

    if (dom_list(c, 0, &e, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n && ret == 0; i++) {
        struct dom_def *conf = NULL, *live = NULL;
        const struct dom_disk *k;
        if (!strcmp(e[i].name, def->name))
            continue;
        if (e[i].persistent)
            conf = dom_store_load(c, e[i].name, NULL);
        if (e[i].st.state != DOM_STATE_SHUTOFF)
            live = dom_get_def(c, e[i].name, 0, NULL);
        k = shared_disk(def, conf);
        if (!k)
            k = shared_disk(def, live);
        if (k) {
            lv_err_set(err, LV_E_BUSY, "domain '%s': cannot remove storage '%s' "
                       "of disk '%s': domain '%s' uses it too; nothing was changed",
                       def->name, k->source, k->target_dev, e[i].name);
            ret = -1;
        }
        dom_def_free(conf);
        dom_def_free(live);
    }
    dom_list_free(e, n);
    return ret;
}

/* Delete one image; fills r. Returns 0, or -1 with err. */
static int
remove_image(struct lv_conn *c, const struct dom_disk *k,
             struct dom_disk_removed *r, struct lv_err *err)
{
    struct lv_err e = LV_ERR_INIT;
    struct stat sb;

    r->target = lv_strdup(k->target_dev ? k->target_dev : "?");
    r->path = lv_strdup(k->source);
    if (k->device == DOM_DISK_CDROM || k->device == DOM_DISK_FLOPPY) {
        r->why = lv_strdup("removable media are kept");
        return 0;
    }
    if (storage_vol_delete_path(c, k->source, &e) == 0) {
        r->removed = 1;
        return 0;
    }
    if (e.code != LV_E_NO_VOLUME) {
        *err = e;
        r->why = lv_strdup(e.msg);
        return -1;
    }
    if (lstat(k->source, &sb) < 0 && errno == ENOENT) {
        r->why = lv_strdup("no such file");
        return 0;
    }
    if (!S_ISREG(sb.st_mode)) {
        r->why = lv_strdup("not a regular file and in no pool: remove it yourself");
        return 0;
    }
    if (unlink(k->source) < 0) {
        lv_err_sys(err, "cannot remove '%s'", k->source);
        r->why = lv_strdup(err->msg);
        return -1;
    }
    r->removed = 1;
    return 0;
}

int
dom_disk_undefine_storage(struct lv_conn *c, const char *name, unsigned flags,
                          struct dom_disk_removed **out, size_t *n,
                          struct lv_err *err)
{
    struct dom_def *def = NULL;
    struct dom_status st;
    struct lv_err first = LV_ERR_INIT;
    int ret = -1;

    *out = NULL;
    *n = 0;
    if (!(def = dom_store_load(c, name, err)) || dom_status_read(c, name, &st, err) < 0)
        goto out;
    if (st.state != DOM_STATE_SHUTOFF) {
        lv_err_set(err, LV_E_STATE, "domain '%s': cannot remove its storage while "
                   "it is %s; destroy it first", name, dom_state_to_str(st.state));
        goto out;
    }
    if (check_unused(c, def, err) < 0 || dom_undefine(c, name, flags, err) < 0)
        goto out;
    *out = lv_calloc(def->n_disks + 1, sizeof(**out));
    for (size_t i = 0; i < def->n_disks; i++) {
        struct lv_err e = LV_ERR_INIT;
        if (!has_image(&def->disks[i]))
            continue;
        if (remove_image(c, &def->disks[i], &(*out)[(*n)++], &e) < 0 &&
            first.code == LV_E_OK)
            first = e;
    }
    if (first.code != LV_E_OK) {
        *err = first;
        lv_err_prefix(err, "domain '%s': undefined, but ", name);
        goto out;
    }
    ret = 0;
out:
    dom_def_free(def);
    return ret;
}
