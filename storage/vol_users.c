/* vol_users.c - which running guest uses a file as a disk, through the
 * connection's guest walker (core/conn.h): storage/ neither includes kvm/
 * headers nor knows where kvm/ keeps live state. Used to refuse deleting, wiping or shrinking a volume in use,
 * as issue 3 asks (libvirt itself only refuses some of these). */
#include "storage.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dom_def.h"
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

struct path_walk {
    const struct lv_conn *c;
    const char *canon;
    const char *skip;
    char *guest;
};

static int
uses_path(const char *name, const struct dom_def *live, void *arg)
{
    struct path_walk *w = arg;

    if ((w->skip && strcmp(name, w->skip) == 0) || !def_uses(w->c, live, w->canon))
        return 0;
    w->guest = lv_strdup(name);
    return 1;
}

int
storage_path_in_use(const struct lv_conn *c, const char *path,
                    const char *skip, char **guest, struct lv_err *err)
{
    struct path_walk w = { c, canonical(path), skip, NULL };
    int r = lv_conn_each_running_guest(c, uses_path, &w, err);

    free((char *)w.canon);
    *guest = w.guest;
    return r;
}
