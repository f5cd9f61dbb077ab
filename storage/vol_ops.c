/* vol_ops.c - volume operations (see vol_ops.h) over the pool backends.
 * Creation takes the pool's lock and reserves the name first (O_EXCL or an
 * lvs check), so two creators never share a volume; deletion refuses a
 * volume a running guest has open or that backs another volume. */
#include "vol_ops.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"
#include "path_policy.h"
#include "pool_backend.h"
#include "pool_run.h"
#include "pool_store.h"
#include "storage.h"
#include "store.h"
#include "strbuf.h"
#include "units.h"
#include "vol_xml.h"

struct vol_def *
vol_ops_load(const struct lv_conn *c, const char *pool, const char *name,
             struct lv_err *err)
{
    const struct pool_backend *be = NULL;
    struct pool_def *def = pool_run_active_def(c, pool, &be, err);
    struct vol_def *v = NULL;

    if (def)
        v = be->vol_load(def, name, err);
    pool_def_free(def);
    return v;
}

int
vol_ops_names(const struct lv_conn *c, const char *pool, char ***names,
              size_t *n, struct lv_err *err)
{
    const struct pool_backend *be = NULL;
    struct pool_def *def = pool_run_active_def(c, pool, &be, err);
    int r = -1;

    *names = NULL;
    *n = 0;
    if (def)
        r = be->vol_names(def, names, n, err);
    pool_def_free(def);
    return r;
}

/* Does pool def hold a volume at canonical path canon? Its name or NULL. */
static char *
pool_holds(const struct pool_def *def, const struct pool_backend *be,
           const char *canon)
{
    char *tgt, *slash = strrchr(canon, '/'), *name = NULL;
    struct vol_def *v;
    struct stat st;

    if (!slash || !def->target.path)
        return NULL;
    tgt = realpath(def->target.path, NULL);
    if (tgt && (size_t)(slash - canon) == strlen(tgt) &&
        strncmp(canon, tgt, strlen(tgt)) == 0) {
        if (def->type != POOL_LOGICAL) {
            if (stat(canon, &st) == 0 && S_ISREG(st.st_mode) &&
                slash[1] != '.')
                name = lv_strdup(slash + 1);
        } else if ((v = be->vol_load(def, slash + 1, NULL))) {
            name = lv_strdup(slash + 1);
            vol_def_free(v);
        }
    }
    free(tgt);
    return name;
}

int
vol_ops_find(const struct lv_conn *c, const char *path_or_key, char **pool,
             char **vol, struct lv_err *err)
{
    char **names = NULL, *canon = realpath(path_or_key, NULL);
    size_t n = 0;
    int r = -1;

    *pool = *vol = NULL;
    if (pool_run_names(c, &names, &n, err) < 0)
        goto out;
    for (size_t i = 0; i < n && !*vol; i++) {
        const struct pool_backend *be = NULL;
        struct pool_def *def;
        if (!pool_run_is_active(c, names[i]))
            continue;
        def = pool_run_active_def(c, names[i], &be, NULL);
        if (def && canon)
            *vol = pool_holds(def, be, canon);
        if (*vol)
            *pool = lv_strdup(names[i]);
        pool_def_free(def);
    }
    if (*vol)
        r = 0;
    else
        lv_err_set(err, LV_E_NO_VOLUME, "volume '%s': no storage vol with "
                   "matching path or key", path_or_key);
out:
    free(canon);
    lv_store_names_free(names, n);
    return r;
}

static int
check_vol_name(const char *name, struct lv_err *err)
{
    return lv_name_check("volume", name, err);
}

/* A relative backing path is a volume of the same pool; fill a missing
 * backing format and capacity from the backing image. */
static int
resolve_backing(const struct pool_def *pool, const struct pool_backend *be,
                struct vol_def *def, struct lv_err *err)
{
    struct vol_backing *b = def->backing;
    struct qemu_img_info qi;
    struct stat st;

    if (!b || !b->path)
        return 0;
    if (b->path[0] != '/') {
        char *p = pool->type == POOL_LOGICAL ? NULL
            : lv_asprintf("%s/%s", pool->target.path, b->path);
        struct vol_def *bv = p ? NULL : be->vol_load(pool, b->path, NULL);
        if ((p && (check_vol_name(b->path, NULL) < 0 || stat(p, &st) < 0)) ||
            (!p && !bv)) {
            lv_err_set(err, LV_E_NO_VOLUME, "volume '%s': backing volume "
                       "'%s' not found in pool '%s'", def->name, b->path,
                       pool->name);
            free(p);
            return -1;
        }
        free(b->path);
        b->path = p ? p : lv_strdup(bv->target.path);
        vol_def_free(bv);
    } else {
        /* resolved once, and never a host file such as /etc/shadow
         * (path_policy.h) */
        char *what = lv_asprintf("volume '%s': backing store", def->name);
        char *r = NULL;
        int bad = path_policy_resolve(b->path, PATH_USE_IMAGE, what, &r, err);
        free(what);
        if (bad < 0)
            return -1;
        free(b->path);
        b->path = r;
    }
    /* probe only for what the caller left out (each run costs ~5 ms) */
    if (b->format && strcmp(b->format, "none") != 0 && def->capacity > 0)
        return 0;
    if (qemu_img_info(b->path, &qi, err) < 0) {
        lv_err_prefix(err, "volume '%s': backing store: ", def->name);
        return -1;
    }
    if (!b->format || strcmp(b->format, "none") == 0) {
        free(b->format);
        b->format = lv_strdup(qi.format);
    }
    if (def->capacity == 0)
        def->capacity = qi.capacity;
    qemu_img_info_clear(&qi);
    return 0;
}

static int
create_locked(const struct lv_conn *c, const struct pool_def *pool,
              const struct pool_backend *be, struct vol_def *def,
              const struct vol_ops_src *from, struct lv_err *err)
{
    const struct pool_backend *fbe = NULL;
    struct pool_def *fpool = NULL;
    struct vol_def *fvol = NULL;
    struct vol_create_req req = { pool, def, NULL, NULL, NULL, NULL };
    int r = -1;

    if (from) {
        fpool = pool_run_active_def(c, from->pool, &fbe, err);
        if (!fpool || !(fvol = fbe->vol_load(fpool, from->name, err)))
            goto out;
        if (def->capacity < fvol->capacity)
            def->capacity = fvol->capacity;
        req.frompool = fpool;
        req.from = fvol;
        req.progress = from->progress;
        req.arg = from->arg;
    } else if (resolve_backing(pool, be, def, err) < 0) {
        goto out;
    }
    r = be->vol_create(&req, err);
out:
    vol_def_free(fvol);
    pool_def_free(fpool);
    return r;
}

char *
vol_ops_create_def(const struct lv_conn *c, const char *pool,
                   struct vol_def *def, const struct vol_ops_src *from,
                   struct lv_err *err)
{
    const struct pool_backend *be = NULL;
    struct pool_def *pdef = pool_run_active_def(c, pool, &be, err);
    char *name = NULL;
    int lock = -1;

    if (!pdef || check_vol_name(def->name, err) < 0)
        goto out;
    free(def->target.path);
    def->target.path = pdef->type == POOL_LOGICAL
        ? lv_asprintf("/dev/%s/%s", pdef->source.name ? pdef->source.name
                                                      : pdef->name, def->name)
        : lv_asprintf("%s/%s", pdef->target.path, def->name);
    if (pdef->type != POOL_LOGICAL && !def->target.format)
        def->target.format = lv_strdup("raw");
    if ((lock = pool_store_lock(c, pool, err)) < 0)
        goto out;
    if (create_locked(c, pdef, be, def, from, err) == 0)
        name = lv_strdup(def->name);
out:
    lv_store_unlock(lock);
    pool_def_free(pdef);
    vol_def_free(def);
    return name;
}

char *
vol_ops_create_xml(const struct lv_conn *c, const char *pool,
                   const char *xml, size_t len,
                   const struct vol_ops_src *from, struct lv_err *err)
{
    const struct pool_backend *be = NULL;
    struct pool_def *pdef = pool_run_active_def(c, pool, &be, err);
    struct vol_def *def = NULL;
    unsigned flags = from ? VOL_PARSE_NO_CAPACITY : VOL_PARSE_OPT_CAPACITY;

    if (pdef)
        def = vol_def_parse_xml(pdef, xml, len, NULL, flags, err);
    pool_def_free(pdef);
    if (!def)
        return NULL;
    return vol_ops_create_def(c, pool, def, from, err);
}

/* Refuse when a running guest has vol open (what: "delete", "wipe"...). */
static int
check_unused(const struct lv_conn *c, const struct vol_def *vol,
             const char *what, struct lv_err *err)
{
    char *guest = NULL;
    int r = storage_path_in_use(c, vol->target.path, NULL, &guest, err);

    if (r == 1)
        lv_err_set(err, LV_E_BUSY, "volume '%s': cannot %s: in use by "
                   "running guest '%s'", vol->name, what, guest);
    free(guest);
    return r == 0 ? 0 : -1;
}

/* Refuse deleting a volume that backs another volume of the same pool. */
static int
check_not_backing(const struct pool_def *pool, const struct pool_backend *be,
                  const struct vol_def *vol, struct lv_err *err)
{
    char **names = NULL;
    size_t n = 0;
    int r = 0;

    if (pool->type == POOL_LOGICAL ||
        be->vol_names(pool, &names, &n, NULL) < 0)
        return 0;
    for (size_t i = 0; i < n && r == 0; i++) {
        struct vol_def *o;
        if (strcmp(names[i], vol->name) == 0 ||
            !(o = be->vol_load(pool, names[i], NULL)))
            continue;
        if (o->backing && o->backing->path &&
            strcmp(o->backing->path, vol->target.path) == 0) {
            lv_err_set(err, LV_E_BUSY, "volume '%s': cannot delete: it is "
                       "the backing file of volume '%s'", vol->name,
                       o->name);
            r = -1;
        }
        vol_def_free(o);
    }
    lv_store_names_free(names, n);
    return r;
}

/* bytes as "512 MiB" when whole KiB, else "1000 bytes" (buf: 40 bytes) */
static const char *
size_str(uint64_t bytes, char *buf)
{
    if (bytes % 1024 != 0 ||
        lv_units_format(bytes / 1024, buf, LV_UNITS_BUFLEN) < 0)
        snprintf(buf, LV_UNITS_BUFLEN + 8, "%llu bytes",
                 (unsigned long long)bytes);
    return buf;
}

/* Lock pool, load it and volume name; -1 with err. */
static int
open_vol(const struct lv_conn *c, const char *pool, const char *name,
         struct pool_def **pdef, const struct pool_backend **be,
         struct vol_def **vol, struct lv_err *err)
{
    int lock;

    *vol = NULL;
    *pdef = pool_run_active_def(c, pool, be, err);
    if (!*pdef)
        return -1;
    lock = pool_store_lock(c, pool, err);
    if (lock >= 0 && !(*vol = (*be)->vol_load(*pdef, name, err))) {
        lv_store_unlock(lock);
        lock = -1;
    }
    if (lock < 0) {
        pool_def_free(*pdef);
        *pdef = NULL;
    }
    return lock;
}

int
vol_ops_delete(const struct lv_conn *c, const char *pool, const char *name,
               char **removed, struct lv_err *err)
{
    const struct pool_backend *be = NULL;
    struct pool_def *pdef = NULL;
    struct vol_def *vol = NULL;
    int lock = open_vol(c, pool, name, &pdef, &be, &vol, err), r = -1;

    *removed = NULL;
    if (lock < 0)
        return -1;
    if (check_unused(c, vol, "delete", err) == 0 &&
        check_not_backing(pdef, be, vol, err) == 0 &&
        be->vol_delete(pdef, vol, err) == 0) {
        *removed = lv_strdup(vol->target.path);
        r = 0;
    }
    lv_store_unlock(lock);
    vol_def_free(vol);
    pool_def_free(pdef);
    return r;
}

int
vol_ops_resize(const struct lv_conn *c, const char *pool, const char *name,
               uint64_t capacity, int shrink, struct lv_err *err)
{
    const struct pool_backend *be = NULL;
    struct pool_def *pdef = NULL;
    struct vol_def *vol = NULL;
    char a[LV_UNITS_BUFLEN + 8], b[LV_UNITS_BUFLEN + 8];
    int lock = open_vol(c, pool, name, &pdef, &be, &vol, err), r = -1;

    if (lock < 0)
        return -1;
    if (capacity < vol->capacity && !shrink)
        lv_err_set(err, LV_E_INVALID, "volume '%s': cannot resize to %s: "
                   "smaller than its capacity of %s; use --shrink to shrink "
                   "it", name, size_str(capacity, a),
                   size_str(vol->capacity, b));
    else if (capacity == 0)
        lv_err_set(err, LV_E_INVALID, "volume '%s': cannot resize to 0 "
                   "bytes", name);
    else if (check_unused(c, vol, "resize (use blockresize)", err) == 0)
        r = be->vol_resize(pdef, vol, capacity, capacity < vol->capacity,
                           err);
    lv_store_unlock(lock);
    vol_def_free(vol);
    pool_def_free(pdef);
    return r;
}

enum stream_op { STREAM_WIPE, STREAM_UPLOAD, STREAM_DOWNLOAD };

static int
stream(const struct lv_conn *c, const char *pool, const char *name,
       const char *file, enum stream_op op,
       const struct vol_stream_opts *opts, struct lv_err *err)
{
    static const char *const verbs[] = { "wipe", "upload", "download" };
    const struct pool_backend *be = NULL;
    struct pool_def *pdef = NULL;
    struct vol_def *vol = NULL;
    struct vol_stream_opts o = *opts;
    char *what = lv_asprintf("volume '%s'", name);
    int lock = open_vol(c, pool, name, &pdef, &be, &vol, err), r = -1;

    o.what = what;
    if (lock < 0)
        goto out;
    if (op != STREAM_DOWNLOAD && check_unused(c, vol, verbs[op], err) < 0)
        goto out;
    if (op == STREAM_WIPE)
        r = vol_stream_wipe(vol->target.path, &o, err);
    else if (op == STREAM_UPLOAD)
        r = vol_stream_upload(vol->target.path, file, &o, err);
    else
        r = vol_stream_download(vol->target.path, file, &o, err);
out:
    lv_store_unlock(lock);
    vol_def_free(vol);
    pool_def_free(pdef);
    free(what);
    return r;
}

int
vol_ops_stream_begin(const struct lv_conn *c, const char *pool, const char *name,
                     int upload, char **path, struct lv_err *err)
{
    const struct pool_backend *be = NULL;
    struct pool_def *pdef = NULL;
    struct vol_def *vol = NULL;
    int lock = open_vol(c, pool, name, &pdef, &be, &vol, err);

    *path = NULL;
    if (lock >= 0 && upload && check_unused(c, vol, "upload", err) < 0) {
        lv_store_unlock(lock);
        lock = -1;
    }
    if (lock >= 0)
        *path = lv_strdup(vol->target.path);
    vol_def_free(vol);
    pool_def_free(pdef);
    return lock;
}

int
vol_ops_wipe(const struct lv_conn *c, const char *pool, const char *name,
             const struct vol_stream_opts *opts, struct lv_err *err)
{
    return stream(c, pool, name, NULL, STREAM_WIPE, opts, err);
}

int
vol_ops_upload(const struct lv_conn *c, const char *pool, const char *name,
               const char *file, const struct vol_stream_opts *opts,
               struct lv_err *err)
{
    return stream(c, pool, name, file, STREAM_UPLOAD, opts, err);
}

int
vol_ops_download(const struct lv_conn *c, const char *pool, const char *name,
                 const char *file, const struct vol_stream_opts *opts,
                 struct lv_err *err)
{
    return stream(c, pool, name, file, STREAM_DOWNLOAD, opts, err);
}

char *
vol_ops_xml(const struct lv_conn *c, const char *pool, const char *name,
            struct lv_err *err)
{
    const struct pool_backend *be = NULL;
    struct pool_def *pdef = pool_run_active_def(c, pool, &be, err);
    struct vol_def *vol = pdef ? be->vol_load(pdef, name, err) : NULL;
    char *xml = vol ? vol_def_format_xml(pdef, vol, 0, err) : NULL;

    vol_def_free(vol);
    pool_def_free(pdef);
    return xml;
}

/* ---- storage.h: for kvm/ ---- */

int
storage_vol_lookup_path(const struct lv_conn *c, const char *path,
                        char **pool, char **vol, struct lv_err *err)
{
    return vol_ops_find(c, path, pool, vol, err);
}

int
storage_vol_path(const struct lv_conn *c, const char *pool, const char *vol,
                 char **path, char **format, struct lv_err *err)
{
    struct vol_def *v = vol_ops_load(c, pool, vol, err);

    *path = NULL;
    if (format)
        *format = NULL;
    if (!v)
        return -1;
    *path = lv_strdup(v->target.path);
    if (format)
        *format = lv_strdup(v->target.format ? v->target.format : "raw");
    vol_def_free(v);
    return 0;
}

int
storage_vol_delete_path(const struct lv_conn *c, const char *path,
                        struct lv_err *err)
{
    char *pool = NULL, *vol = NULL, *removed = NULL;
    int r = -1;

    if (vol_ops_find(c, path, &pool, &vol, err) == 0)
        r = vol_ops_delete(c, pool, vol, &removed, err);
    free(removed);
    free(vol);
    free(pool);
    return r;
}

char *
vol_ops_path(const struct lv_conn *c, const char *pool, const char *name,
             struct lv_err *err)
{
    const struct pool_backend *be = NULL;
    struct pool_def *pdef = pool_run_active_def(c, pool, &be, err);
    struct vol_def *v = NULL;
    char *path = NULL;
    struct stat st;

    if (!pdef)
        return NULL;
    if (pdef->type == POOL_LOGICAL) {
        if ((v = be->vol_load(pdef, name, err)))
            path = lv_strdup(v->target.path);
    } else if (check_vol_name(name, NULL) == 0) {
        path = lv_asprintf("%s/%s", pdef->target.path, name);
        if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
            free(path);
            path = NULL;
        }
    }
    if (!path && !v)
        lv_err_set(err, LV_E_NO_VOLUME, "volume '%s': no storage vol with "
                   "matching name in pool '%s'", name, pool);
    vol_def_free(v);
    pool_def_free(pdef);
    return path;
}
