/* dom_paths.c - a guest's host paths resolved once and checked (see
 * dom_paths.h), the way libvirt's security drivers refuse what QEMU must
 * not be handed. */
#include "dom_paths.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom.h"
#include "dom_disk_priv.h"
#include "dom_store.h"
#include "storage/path_policy.h"
#include "qemu_img.h"
#include "storage/storage.h"
#include "strbuf.h"

#define MAX_CHAIN 16

/* Replace *path with its resolved, checked form. */
static int
resolve(char **path, enum path_use use, const char *what, struct lv_err *err)
{
    char *r = NULL;

    if (!*path)
        return 0;
    if (path_policy_resolve(*path, use, what, &r, err) < 0)
        return -1;
    free(*path);
    *path = r;
    return 0;
}

/* Is path in a pool, or below dir (the directory of the image above)? */
static int
backing_allowed(struct lv_conn *c, const char *path, const char *dir)
{
    struct lv_err e2 = LV_ERR_INIT;
    char *pool = NULL, *vol = NULL;

    if (path_policy_under(path, dir))
        return 1;
    if (storage_vol_lookup_path(c, path, &pool, &vol, &e2) == 0) {
        free(pool);
        free(vol);
        return 1;
    }
    return 0;
}

/* Add the backing file path (format fmt) at the bottom of k's chain. */
static void
add_layer(struct dom_disk *k, const char *path, const char *fmt)
{
    struct dom_disk_layer *l;

    k->chain = lv_realloc(k->chain, (k->n_chain + 1) * sizeof(*k->chain));
    l = &k->chain[k->n_chain++];
    memset(l, 0, sizeof(*l));
    l->type = DOM_DISK_FILE;
    l->format = lv_strdup(fmt);
    l->source = lv_strdup(path);
}

/* The backing files QEMU itself would open below k's image, as their
 * headers name them, checked and written into k's chain (ended), as
 * libvirt fills the live XML: QEMU then opens every layer by name, and a
 * confined QEMU is handed each of them. A header without the backing
 * file's format: qemu-img's probe of it. */
static int
fill_implicit_chain(struct lv_conn *c, struct dom_disk *k, const char *what,
                    struct lv_err *err)
{
    char *cur = lv_strdup(k->source);
    char *cur_fmt = lv_strdup(k->driver_type ? k->driver_type : "raw");
    int ret = -1;

    for (int depth = 0; depth < MAX_CHAIN; depth++) {
        struct qemu_img_info qi, bi;
        char *dir, *want, *r = NULL;
        if (strcmp(cur_fmt, "qcow2") != 0 && strcmp(cur_fmt, "qed") != 0) {
            ret = 0;
            break;
        }
        if (qemu_img_info(cur, &qi, err) < 0)
            break;
        if (!qi.backing) {
            qemu_img_info_clear(&qi);
            k->chain_end = 1;
            ret = 0;
            break;
        }
        dir = lv_strdup(cur);
        dirname(dir);
        want = qi.backing[0] == '/' ? lv_strdup(qi.backing)
                                    : lv_asprintf("%s/%s", dir, qi.backing);
        if (path_policy_resolve(want, PATH_USE_IMAGE, what, &r, err) < 0) {
            lv_err_prefix(err, "backing file of '%s': ", cur);
        } else if (!backing_allowed(c, r, dir)) {
            lv_err_set(err, LV_E_INVALID, "%s: backing file '%s' of '%s' is "
                       "outside every pool and the image's directory; name it "
                       "in a <backingStore> to use it", what, r, cur);
            free(r);
            r = NULL;
        }
        free(cur_fmt);
        cur_fmt = NULL;
        if (r && qi.backing_format) {
            cur_fmt = lv_strdup(qi.backing_format);
        } else if (r && qemu_img_info(r, &bi, err) == 0) {
            cur_fmt = lv_strdup(bi.format ? bi.format : "raw");
            qemu_img_info_clear(&bi);
        } else if (r) {
            lv_err_prefix(err, "%s: backing file of '%s': ", what, cur);
            free(r);
            r = NULL;
        }
        if (r)
            add_layer(k, r, cur_fmt);
        qemu_img_info_clear(&qi);
        free(want);
        free(dir);
        free(cur);
        cur = r;
        if (!cur)
            break;
        if (depth == MAX_CHAIN - 1)
            lv_err_set(err, LV_E_INVALID, "%s: backing chain deeper than %d",
                       what, MAX_CHAIN);
    }
    free(cur);
    free(cur_fmt);
    return ret;
}

/* A writable disk that reaches another defined guest's image through
 * another name (a symlink, a hard link): the one-writer rule of
 * dom_disk_share.c sees only running guests and equal paths. */
static int
check_foreign(struct lv_conn *c, const char *dom, const struct dom_disk *k,
              const char *given, struct lv_err *err)
{
    struct dom_entry *e = NULL;
    size_t n = 0;
    int ret = 0;

    if (k->readonly || k->shareable || k->device == DOM_DISK_CDROM)
        return 0;
    if (dom_list(c, 0, &e, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n && ret == 0; i++) {
        struct dom_def *o;
        if (!e[i].persistent || !strcmp(e[i].name, dom) ||
            !(o = dom_store_load(c, e[i].name, NULL)))
            continue;
        for (size_t j = 0; j < o->n_disks && ret == 0; j++) {
            const char *os = o->disks[j].source;
            if (!os || o->disks[j].type == DOM_DISK_NETWORK ||
                !strcmp(os, given) || !dom_disk_same_file(os, k->source))
                continue;
            lv_err_set(err, LV_E_INVALID, "domain '%s': disk '%s': '%s' is the "
                       "image of domain '%s' (as '%s', disk '%s')", dom,
                       k->target_dev, given, e[i].name, os, o->disks[j].target_dev);
            ret = -1;
        }
        dom_def_free(o);
    }
    dom_list_free(e, n);
    return ret;
}

int
dom_paths_resolve_disk(struct lv_conn *c, const char *dom, struct dom_disk *k,
                       struct lv_err *err)
{
    char what[160];
    char *given = NULL;
    int ret = -1;

    if (k->type != DOM_DISK_FILE && k->type != DOM_DISK_BLOCK)
        return 0;
    snprintf(what, sizeof(what), "domain '%s': disk '%s'", dom,
             k->target_dev ? k->target_dev : "?");
    if (!k->source)
        return 0;
    given = lv_strdup(k->source);
    if (resolve(&k->source, PATH_USE_IMAGE, what, err) < 0 ||
        check_foreign(c, dom, k, given, err) < 0)
        goto out;
    for (size_t i = 0; i < k->n_chain; i++) {
        struct dom_disk_layer *l = &k->chain[i];
        if ((l->type == DOM_DISK_FILE || l->type == DOM_DISK_BLOCK) &&
            resolve(&l->source, PATH_USE_IMAGE, what, err) < 0)
            goto out;
    }
    /* no chain in the XML: the one the image headers name */
    if (k->n_chain == 0 && !k->chain_end && k->type == DOM_DISK_FILE &&
        fill_implicit_chain(c, k, what, err) < 0)
        goto out;
    ret = 0;
out:
    free(given);
    return ret;
}

int
dom_paths_resolve(struct lv_conn *c, struct dom_def *def, struct lv_err *err)
{
    struct { char **path; enum path_use use; const char *what; } os[] = {
        { &def->os.kernel, PATH_USE_KERNEL, "kernel" },
        { &def->os.initrd, PATH_USE_KERNEL, "initrd" },
        { &def->os.dtb, PATH_USE_KERNEL, "dtb" },
        { &def->os.loader, PATH_USE_FIRMWARE, "loader" },
    };
    char what[160];

    for (size_t i = 0; i < def->n_disks; i++)
        if (dom_paths_resolve_disk(c, def->name, &def->disks[i], err) < 0)
            return -1;
    for (size_t i = 0; i < sizeof(os) / sizeof(os[0]); i++) {
        snprintf(what, sizeof(what), "domain '%s': %s", def->name, os[i].what);
        if (resolve(os[i].path, os[i].use, what, err) < 0)
            return -1;
    }
    return 0;
}
