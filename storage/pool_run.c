/* pool_run.c - the pool lifecycle (see pool_run.h). An active pool is a
 * directory <run>/storage/NAME/ holding its live definition def.xml; the
 * backends (pool_dir.c, pool_fs.c, pool_netfs.c, pool_logical.c) do the
 * type-specific work. Steps run under <run>/locks/pool-NAME.lock. */
#include "pool_run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "obj_store.h"
#include "pool_backend.h"
#include "pool_store.h"
#include "pool_xml.h"
#include "spawn.h"
#include "store.h"
#include "strbuf.h"

const struct pool_backend *
pool_backend_get(enum pool_type type, struct lv_err *err)
{
    switch (type) {
    case POOL_DIR: return &pool_dir_backend;
    case POOL_FS: return &pool_fs_backend;
    case POOL_NETFS: return &pool_netfs_backend;
    case POOL_LOGICAL: return &pool_logical_backend;
    default:
        lv_err_set(err, LV_E_UNSUPPORTED, "pool type '%s' is not supported "
                   "by luavirt (dir, fs, netfs, logical are)",
                   pool_type_to_str(type) ? pool_type_to_str(type) : "?");
        return NULL;
    }
}

int
pool_backend_run(const struct pool_def *def, char *const argv[],
                 struct lv_err *err)
{
    char *out = NULL, *etext = NULL;
    int st = lv_spawn_capture(argv, &out, &etext, 120000, err);
    int r = -1;

    if (st < 0) {
        lv_err_prefix(err, "pool '%s': ", def->name);
    } else if (st != 0) {
        char *end = etext ? etext + strlen(etext) : NULL, *line;
        while (end && end > etext && (end[-1] == '\n' || end[-1] == ' '))
            *--end = '\0';
        line = etext ? strrchr(etext, '\n') : NULL;
        line = line ? line + 1 : etext;
        lv_log_debug("pool %s: %s exited %d: %s", def->name, argv[0], st,
                     etext ? etext : "");
        lv_err_set(err, LV_E_SYSTEM, "pool '%s': %s failed: %s", def->name,
                   argv[0], line && *line ? line : "no error message");
    } else {
        r = 0;
    }
    free(out);
    free(etext);
    return r;
}

static char *
run_dir(const struct lv_conn *c, const char *name)
{
    return lv_asprintf("%s/storage/%s", c->run_dir, name);
}

static char *
live_path(const struct lv_conn *c, const char *name)
{
    return lv_asprintf("%s/storage/%s/def.xml", c->run_dir, name);
}

int
pool_run_is_active(const struct lv_conn *c, const char *name)
{
    char *p;
    int r;

    if (pool_store_check_name(name, NULL) < 0)
        return 0;
    p = live_path(c, name);
    r = access(p, F_OK) == 0;
    free(p);
    return r;
}

static struct pool_def *
load_live(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    char *p = live_path(c, name);
    size_t len = 0;
    char *xml = lv_store_read(p, &len, err);
    struct pool_def *def = NULL;

    if (xml)
        def = pool_def_parse_xml(xml, len, p, POOL_PARSE_KEEP_UNKNOWN, err);
    free(xml);
    free(p);
    return def;
}

static int
save_live(const struct lv_conn *c, const struct pool_def *def,
          struct lv_err *err)
{
    char *d = run_dir(c, def->name), *p = live_path(c, def->name);
    char *xml = NULL;
    int r = -1;

    if (lv_store_mkdir_private(d, err) < 0)
        goto out;
    xml = pool_def_format_xml(def, 0, err);
    if (xml && lv_store_write_atomic(p, xml, strlen(xml), 0600, err) == 0)
        r = 0;
out:
    free(xml);
    free(p);
    free(d);
    return r;
}

static void
drop_live(const struct lv_conn *c, const char *name)
{
    char *d = run_dir(c, name), *p = live_path(c, name);
    unlink(p);
    rmdir(d);
    free(p);
    free(d);
}

struct pool_def *
pool_run_get_def(const struct lv_conn *c, const char *name, int inactive,
                 struct lv_err *err)
{
    int active = pool_run_is_active(c, name);

    if (active && (!inactive || !pool_store_exists(c, name)))
        return load_live(c, name, err);
    return pool_store_load(c, name, err);
}

char *
pool_run_resolve(const struct lv_conn *c, const char *name_or_uuid,
                 struct lv_err *err)
{
    char *n;

    if (pool_store_exists(c, name_or_uuid) ||
        pool_run_is_active(c, name_or_uuid))
        return lv_strdup(name_or_uuid);
    n = pool_store_uuid_lookup(c, name_or_uuid);
    if (n)
        return n;
    lv_err_set(err, LV_E_NO_POOL, "pool '%s': no storage pool with matching "
               "name", name_or_uuid ? name_or_uuid : "");
    return NULL;
}

int
pool_run_names(const struct lv_conn *c, char ***names, size_t *n,
               struct lv_err *err)
{
    char *dir = lv_asprintf("%s/storage", c->run_dir);
    char **live = NULL;
    size_t nl = 0;
    int r = -1;

    if (pool_store_names(c, names, n, err) < 0 ||
        lv_store_list_dir(dir, "", 1, &live, &nl, err) < 0)
        goto out;
    for (size_t i = 0; i < nl; i++) {
        if (pool_store_exists(c, live[i]) || !pool_run_is_active(c, live[i]))
            continue;
        *names = lv_realloc(*names, (*n + 1) * sizeof(char *));
        (*names)[(*n)++] = live[i];
        live[i] = lv_strdup("");
    }
    for (size_t i = 1; i < *n; i++)          /* keep them sorted */
        for (size_t j = i; j > 0 && strcmp((*names)[j - 1], (*names)[j]) > 0;
             j--) {
            char *t = (*names)[j];
            (*names)[j] = (*names)[j - 1];
            (*names)[j - 1] = t;
        }
    r = 0;
out:
    lv_store_names_free(live, nl);
    free(dir);
    return r;
}

/* A file-based pool's target must not be an existing non-directory. */
static int
check_target(const struct pool_def *def, struct lv_err *err)
{
    struct stat st;

    if (def->type == POOL_LOGICAL || !def->target.path)
        return 0;
    if (stat(def->target.path, &st) == 0 && !S_ISDIR(st.st_mode)) {
        lv_err_set(err, LV_E_INVALID, "pool '%s': target '%s' exists and is "
                   "not a directory", def->name, def->target.path);
        return -1;
    }
    return 0;
}

/* Another pool (other name) with the same uuid, target or volume group? */
static int
check_conflicts(const struct lv_conn *c, const struct pool_def *def,
                struct lv_err *err)
{
    char **names = NULL, uuid[37], ouuid[37];
    size_t n = 0;
    int r = -1;

    if (pool_run_names(c, &names, &n, err) < 0)
        return -1;
    pool_def_uuid_str(def, uuid);
    for (size_t i = 0; i < n; i++) {
        struct pool_def *o = pool_run_get_def(c, names[i], 1, NULL);
        int same = o && strcmp(o->name, def->name) == 0;
        if (!o)
            continue;
        pool_def_uuid_str(o, ouuid);
        if (same && strcmp(uuid, ouuid) != 0) {
            lv_err_set(err, LV_E_EXISTS, "pool '%s': already exists with "
                       "uuid %s", def->name, ouuid);
        } else if (!same && strcmp(uuid, ouuid) == 0) {
            lv_err_set(err, LV_E_EXISTS, "pool '%s': uuid %s is already "
                       "used by pool '%s'", def->name, uuid, o->name);
        } else if (!same && def->target.path && o->target.path &&
                   o->type == def->type &&
                   strcmp(def->target.path, o->target.path) == 0) {
            lv_err_set(err, LV_E_EXISTS, "pool '%s': target '%s' is already "
                       "used by pool '%s'", def->name, def->target.path,
                       o->name);
        } else {
            pool_def_free(o);
            continue;
        }
        pool_def_free(o);
        goto out;
    }
    r = 0;
out:
    lv_store_names_free(names, n);
    return r;
}

static struct pool_def *
parse_checked(const struct lv_conn *c, const char *xml, size_t len,
              struct lv_err *err)
{
    struct pool_def *def = pool_def_parse_xml(xml, len, NULL, 0, err);

    if (!def)
        return NULL;
    if (pool_store_check_name(def->name, err) < 0 ||
        !pool_backend_get(def->type, err) || check_target(def, err) < 0 ||
        check_conflicts(c, def, err) < 0) {
        if (err && strncmp(err->msg, "pool '", 6) != 0)
            lv_err_prefix(err, "pool '%s': ", def->name);
        pool_def_free(def);
        return NULL;
    }
    return def;
}

struct pool_def *
pool_run_define(const struct lv_conn *c, const char *xml, size_t len,
                struct lv_err *err)
{
    struct pool_def *def = parse_checked(c, xml, len, err);
    int lock = -1;

    if (!def)
        return NULL;
    lock = pool_store_lock(c, def->name, err);
    if (lock < 0 || pool_store_save(c, def, err) < 0) {
        pool_def_free(def);
        def = NULL;
    }
    lv_store_unlock(lock);
    return def;
}

/* Build (if asked) and start def, then record it active. */
static int
start_def(const struct lv_conn *c, struct pool_def *def, int build,
          unsigned flags, struct lv_err *err)
{
    const struct pool_backend *be = pool_backend_get(def->type, err);

    if (!be)
        return -1;
    if (build && be->build(def, flags, err) < 0)
        return -1;
    if (be->start && be->start(def, err) < 0)
        return -1;
    if (be->info(def, err) < 0 || save_live(c, def, err) < 0) {
        if (be->stop)
            be->stop(def, NULL);
        return -1;
    }
    return 0;
}

struct pool_def *
pool_run_create(const struct lv_conn *c, const char *xml, size_t len,
                int build, unsigned flags, struct lv_err *err)
{
    struct pool_def *def = parse_checked(c, xml, len, err);
    int lock = -1;

    if (!def)
        return NULL;
    lock = pool_store_lock(c, def->name, err);
    if (lock < 0)
        goto fail;
    if (pool_run_is_active(c, def->name)) {
        lv_err_set(err, LV_E_STATE, "pool '%s': already active", def->name);
        goto fail;
    }
    if (start_def(c, def, build, flags, err) < 0)
        goto fail;
    lv_store_unlock(lock);
    return def;
fail:
    lv_store_unlock(lock);
    pool_def_free(def);
    return NULL;
}

/* Lock name and load its definition (live when active); -1 with err. */
static int
open_locked(const struct lv_conn *c, const char *name, int inactive,
            struct pool_def **def, struct lv_err *err)
{
    int lock = pool_store_lock(c, name, err);

    *def = NULL;
    if (lock < 0)
        return -1;
    *def = pool_run_get_def(c, name, inactive, err);
    if (!*def) {
        lv_store_unlock(lock);
        return -1;
    }
    return lock;
}

int
pool_run_build(const struct lv_conn *c, const char *name, unsigned flags,
               struct lv_err *err)
{
    struct pool_def *def = NULL;
    const struct pool_backend *be;
    int lock = open_locked(c, name, 0, &def, err), r = -1;

    if (lock < 0)
        return -1;
    if ((flags & POOL_BUILD_OVERWRITE) && (flags & POOL_BUILD_NO_OVERWRITE)) {
        lv_err_set(err, LV_E_INVALID, "pool '%s': overwrite and no-overwrite "
                   "are mutually exclusive", name);
    } else if (pool_run_is_active(c, name)) {
        lv_err_set(err, LV_E_STATE, "pool '%s': cannot build: pool is "
                   "active", name);
    } else if ((be = pool_backend_get(def->type, err))) {
        r = be->build(def, flags, err);
    }
    pool_def_free(def);
    lv_store_unlock(lock);
    return r;
}

int
pool_run_start(const struct lv_conn *c, const char *name, int build,
               unsigned flags, struct lv_err *err)
{
    struct pool_def *def = NULL;
    int lock = open_locked(c, name, 1, &def, err), r = -1;

    if (lock < 0)
        return -1;
    if (pool_run_is_active(c, name))
        lv_err_set(err, LV_E_STATE, "pool '%s': already active", name);
    else
        r = start_def(c, def, build, flags, err);
    pool_def_free(def);
    lv_store_unlock(lock);
    return r;
}

int
pool_run_destroy(const struct lv_conn *c, const char *name,
                 struct lv_err *err)
{
    struct pool_def *def = NULL;
    const struct pool_backend *be;
    int lock = open_locked(c, name, 0, &def, err), r = -1;

    if (lock < 0)
        return -1;
    if (!pool_run_is_active(c, name)) {
        lv_err_set(err, LV_E_STATE, "pool '%s': not active", name);
    } else if ((be = pool_backend_get(def->type, err)) &&
               (!be->stop || be->stop(def, err) == 0)) {
        drop_live(c, name);
        r = 0;
    }
    pool_def_free(def);
    lv_store_unlock(lock);
    return r;
}

int
pool_run_delete(const struct lv_conn *c, const char *name, char **removed,
                struct lv_err *err)
{
    struct pool_def *def = NULL;
    const struct pool_backend *be;
    int lock = open_locked(c, name, 1, &def, err), r = -1;

    *removed = NULL;
    if (lock < 0)
        return -1;
    if (pool_run_is_active(c, name))
        lv_err_set(err, LV_E_STATE, "pool '%s': cannot delete: pool is "
                   "active; destroy it first", name);
    else if ((be = pool_backend_get(def->type, err)))
        r = be->remove(def, removed, err);
    pool_def_free(def);
    lv_store_unlock(lock);
    return r;
}

int
pool_run_undefine(const struct lv_conn *c, const char *name,
                  struct lv_err *err)
{
    struct pool_def *def = NULL;
    int lock = open_locked(c, name, 1, &def, err), r = -1;

    if (lock < 0)
        return -1;
    if (!pool_store_exists(c, name))
        lv_err_set(err, LV_E_STATE, "pool '%s': cannot undefine a transient "
                   "pool", name);
    else if (pool_run_is_active(c, name))   /* as libvirt: destroy it first */
        lv_err_set(err, LV_E_STATE, "pool '%s': cannot undefine: the pool is "
                   "still active; destroy it first", name);
    else
        r = pool_store_remove(c, def, err);
    pool_def_free(def);
    lv_obj_unlock(c, &LV_KIND_POOL, name, lock);   /* the lock file goes too */
    return r;
}

int
pool_run_set_autostart(const struct lv_conn *c, const char *name, int on,
                       struct lv_err *err)
{
    int lock = pool_store_lock(c, name, err), r = -1;

    if (lock < 0)
        return -1;
    if (!pool_store_exists(c, name))
        lv_err_set(err, pool_run_is_active(c, name) ? LV_E_STATE : LV_E_NO_POOL,
                   "pool '%s': cannot set autostart for a transient pool",
                   name);
    else
        r = pool_store_autostart_set(c, name, on, err);
    lv_store_unlock(lock);
    return r;
}

struct pool_def *
pool_run_active_def(const struct lv_conn *c, const char *name,
                    const struct pool_backend **be, struct lv_err *err)
{
    struct pool_def *def;

    if (!pool_run_is_active(c, name)) {
        if (pool_store_exists(c, name))
            lv_err_set(err, LV_E_STATE, "pool '%s': not active", name);
        else
            lv_err_set(err, LV_E_NO_POOL, "pool '%s': no storage pool with "
                       "matching name", name);
        return NULL;
    }
    def = load_live(c, name, err);
    if (def && !(*be = pool_backend_get(def->type, err))) {
        pool_def_free(def);
        def = NULL;
    }
    return def;
}

int
pool_run_refresh(const struct lv_conn *c, const char *name,
                 struct lv_err *err)
{
    const struct pool_backend *be = NULL;
    struct pool_def *def = pool_run_active_def(c, name, &be, err);
    int lock = -1, r = -1;

    /* volumes are read from the target each time; refresh re-checks the
     * target and records the sizes, like libvirt's refreshPool */
    if (!def || (lock = pool_store_lock(c, name, err)) < 0)
        goto out;
    if ((be->start == NULL || def->type != POOL_DIR ||
         pool_dir_check_target(def, err) == 0) &&
        be->info(def, err) == 0 && save_live(c, def, err) == 0)
        r = 0;
out:
    lv_store_unlock(lock);
    pool_def_free(def);
    return r;
}

struct pool_def *
pool_run_info(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    const struct pool_backend *be;
    struct pool_def *def = pool_run_get_def(c, name, 0, err);

    if (!def || !pool_run_is_active(c, name))
        return def;
    if (!(be = pool_backend_get(def->type, err)) || be->info(def, err) < 0) {
        pool_def_free(def);
        return NULL;
    }
    return def;
}

/* The `default` dir pool at <lib>/images, like libvirt's. */
static int
make_default(const struct lv_conn *c, struct lv_err *err)
{
    char *xml = NULL;
    struct pool_def *def = NULL;
    int r = -1;

    if (pool_store_exists(c, "default"))
        return 0;
    xml = lv_asprintf("<pool type='dir'>\n  <name>default</name>\n"
                      "  <target>\n    <path>%s/images</path>\n"
                      "  </target>\n</pool>\n", c->lib_dir);
    def = pool_run_define(c, xml, strlen(xml), err);
    if (!def || pool_store_autostart_set(c, "default", 1, err) < 0 ||
        pool_run_build(c, "default", 0, err) < 0)
        goto out;
    r = 0;
out:
    pool_def_free(def);
    free(xml);
    return r;
}

/* Start the autostart pools that are not active (failures are logged). */
static void
autostart_all(const struct lv_conn *c)
{
    char **names = NULL;
    size_t n = 0;

    if (pool_store_names(c, &names, &n, NULL) < 0)
        return;
    for (size_t i = 0; i < n; i++) {
        struct lv_err e = LV_ERR_INIT;
        if (!pool_store_autostart_get(c, names[i]) ||
            pool_run_is_active(c, names[i]))
            continue;
        if (pool_run_start(c, names[i], 0, 0, &e) < 0)
            lv_log_warn("pool %s: autostart failed: %s", names[i], e.msg);
    }
    lv_store_names_free(names, n);
}

int
pool_run_init(const struct lv_conn *c, struct lv_err *err)
{
    char *made = lv_asprintf("%s/storage/.default-made", c->lib_dir);
    char *booted = lv_asprintf("%s/storage/.autostarted", c->run_dir);
    char *dir = lv_asprintf("%s/storage", c->run_dir);
    int lock = -1, r = -1;

    if (access(made, F_OK) == 0 && access(booted, F_OK) == 0) {
        r = 0;
        goto out;
    }
    if ((lock = pool_store_lock(c, ".init", err)) < 0)
        goto out;
    if (access(made, F_OK) != 0) {
        if (make_default(c, err) < 0 ||
            lv_store_write_atomic(made, "", 0, 0644, err) < 0)
            goto out;
    }
    if (access(booted, F_OK) != 0) {
        autostart_all(c);
        if (lv_store_mkdir_private(dir, err) < 0 ||
            lv_store_write_atomic(booted, "", 0, 0600, err) < 0)
            goto out;
    }
    r = 0;
out:
    lv_store_unlock(lock);
    free(dir);
    free(booted);
    free(made);
    return r;
}
