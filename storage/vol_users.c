/* vol_users.c - which running guest uses a file as a disk. Reads the live
 * XML of every guest whose supervisor holds its lock (<run>/qemu/NAME/
 * live.xml, sup.lock) through core/dom_xml.h only: storage/ never includes
 * kvm/ headers. Used to refuse deleting, wiping or shrinking a volume in use,
 * as issue 3 asks (libvirt itself only refuses some of these). */
#include "storage.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dom_xml.h"
#include "log.h"
#include "store.h"
#include "strbuf.h"

/* The canonical form of path, or a copy of path if it does not resolve. */
static char *
canonical(const char *path)
{
    char *r = realpath(path, NULL);
    return r ? r : lv_strdup(path);
}

/* Does def have a disk whose source is the file canon? */
static int
def_uses(const struct lv_conn *c, const struct dom_def *def,
         const char *canon)
{
    for (size_t i = 0; i < def->n_disks; i++) {
        const struct dom_disk *d = &def->disks[i];
        char *src = NULL;
        int hit;

        if (d->source) {
            src = canonical(d->source);
        } else if (d->source_pool && d->source_volume) {
            struct lv_err e = LV_ERR_INIT;
            char *p = NULL;
            if (storage_vol_path(c, d->source_pool, d->source_volume, &p,
                                 NULL, &e) < 0)
                continue;
            src = canonical(p);
            free(p);
        } else {
            continue;
        }
        hit = strcmp(src, canon) == 0;
        free(src);
        if (hit)
            return 1;
    }
    return 0;
}

/* Is guest name running (its supervisor holds sup.lock)? */
static int
guest_running(const struct lv_conn *c, const char *name)
{
    char *lock = lv_asprintf("%s/qemu/%s/sup.lock", c->run_dir, name);
    int r = lv_store_is_locked(lock, NULL);
    free(lock);
    return r == 1;
}

static int
guest_uses(const struct lv_conn *c, const char *name, const char *canon)
{
    char *path = lv_asprintf("%s/qemu/%s/live.xml", c->run_dir, name);
    struct lv_err e = LV_ERR_INIT;
    struct dom_def *def = NULL;
    size_t len = 0;
    char *xml = lv_store_read(path, &len, &e);
    int r = 0;

    if (xml)
        def = dom_def_parse_xml(xml, len, path, DOM_PARSE_KEEP_UNKNOWN, &e);
    if (!def)
        lv_log_debug("storage: skipping %s: %s", path, e.msg);
    else
        r = def_uses(c, def, canon);
    dom_def_free(def);
    free(xml);
    free(path);
    return r;
}

int
storage_path_in_use(const struct lv_conn *c, const char *path,
                    const char *skip, char **guest, struct lv_err *err)
{
    char *dir = lv_asprintf("%s/qemu", c->run_dir);
    char *canon = canonical(path);
    char **names = NULL;
    size_t n = 0;
    int ret = -1;

    *guest = NULL;
    if (lv_store_list_dir(dir, "", 1, &names, &n, err) < 0)
        goto out;
    ret = 0;
    for (size_t i = 0; i < n && !ret; i++) {
        if (skip && strcmp(names[i], skip) == 0)
            continue;
        if (guest_running(c, names[i]) && guest_uses(c, names[i], canon)) {
            *guest = lv_strdup(names[i]);
            ret = 1;
        }
    }
out:
    lv_store_names_free(names, n);
    free(canon);
    free(dir);
    return ret;
}
