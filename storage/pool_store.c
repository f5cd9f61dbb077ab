/* pool_store.c - persistent pool definitions, autostart links and the uuid
 * index (see pool_store.h), after libvirt's /etc/libvirt/storage layout. */
#include "pool_store.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pool_xml.h"
#include "store.h"
#include "strbuf.h"

static char *
def_path(const struct lv_conn *c, const char *name)
{
    return lv_asprintf("%s/storage/%s.xml", c->lib_dir, name);
}

static char *
autostart_path(const struct lv_conn *c, const char *name)
{
    return lv_asprintf("%s/storage/autostart/%s.xml", c->lib_dir, name);
}

static char *
uuid_path(const struct lv_conn *c, const char *uuid)
{
    return lv_asprintf("%s/storage/uuid/%s", c->lib_dir, uuid);
}

int
pool_store_check_name(const char *name, struct lv_err *err)
{
    if (!name || !*name || strchr(name, '/') || name[0] == '.' ||
        strlen(name) > 200) {
        lv_err_set(err, LV_E_INVALID, "pool '%s': invalid pool name",
                   name ? name : "");
        return -1;
    }
    return 0;
}

int
pool_store_exists(const struct lv_conn *c, const char *name)
{
    char *p;
    int r;

    if (pool_store_check_name(name, NULL) < 0)
        return 0;
    p = def_path(c, name);
    r = access(p, F_OK) == 0;
    free(p);
    return r;
}

struct pool_def *
pool_store_load(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    struct pool_def *def = NULL;
    size_t len = 0;
    char *p, *xml;

    if (pool_store_check_name(name, NULL) < 0) {
        lv_err_set(err, LV_E_NO_POOL, "pool '%s': no storage pool with "
                   "matching name", name ? name : "");
        return NULL;
    }
    p = def_path(c, name);
    xml = lv_store_read(p, &len, err);
    if (!xml) {
        if (err && err->errnum == ENOENT)
            lv_err_set(err, LV_E_NO_POOL, "pool '%s': no storage pool with "
                       "matching name", name);
    } else {
        def = pool_def_parse_xml(xml, len, p, POOL_PARSE_KEEP_UNKNOWN, err);
    }
    free(xml);
    free(p);
    return def;
}

int
pool_store_save(const struct lv_conn *c, const struct pool_def *def,
                struct lv_err *err)
{
    char *dir = lv_asprintf("%s/storage/uuid", c->lib_dir);
    char *p = def_path(c, def->name), *u = NULL, *tmp = NULL;
    char *xml = NULL, uuid[37];
    int r = -1;

    if (lv_store_mkdirs(dir, 0755, err) < 0)
        goto out;
    xml = pool_def_format_xml(def, 0, err);
    if (!xml || lv_store_write_atomic(p, xml, strlen(xml), 0600, err) < 0)
        goto out;
    u = uuid_path(c, pool_def_uuid_str(def, uuid));
    tmp = lv_asprintf("%s.tmp", u);
    unlink(tmp);
    if (symlink(def->name, tmp) < 0 || rename(tmp, u) < 0) {
        lv_err_sys(err, "pool '%s': cannot index uuid %s", def->name, uuid);
        unlink(tmp);
        goto out;
    }
    r = 0;
out:
    free(tmp);
    free(u);
    free(xml);
    free(p);
    free(dir);
    return r;
}

int
pool_store_remove(const struct lv_conn *c, const struct pool_def *def,
                  struct lv_err *err)
{
    char uuid[37];
    char *a = autostart_path(c, def->name), *p = def_path(c, def->name);
    char *u = uuid_path(c, pool_def_uuid_str(def, uuid));
    int r = -1;

    if (lv_store_remove(a, err) < 0 || lv_store_remove(p, err) < 0 ||
        lv_store_remove(u, err) < 0)
        goto out;
    r = 0;
out:
    free(u);
    free(p);
    free(a);
    return r;
}

int
pool_store_names(const struct lv_conn *c, char ***names, size_t *n,
                 struct lv_err *err)
{
    char *dir = lv_asprintf("%s/storage", c->lib_dir);
    int r = lv_store_list_dir(dir, ".xml", 0, names, n, err);
    free(dir);
    return r;
}

char *
pool_store_uuid_lookup(const struct lv_conn *c, const char *uuid)
{
    char *u = uuid_path(c, uuid), buf[PATH_MAX];
    ssize_t n = readlink(u, buf, sizeof(buf) - 1);
    char *name = NULL;

    if (n > 0) {
        buf[n] = '\0';
        if (pool_store_exists(c, buf))
            name = lv_strdup(buf);
    }
    free(u);
    return name;
}

int
pool_store_autostart_get(const struct lv_conn *c, const char *name)
{
    char *dir = lv_asprintf("%s/storage", c->lib_dir);
    int r = lv_store_autostart_get(dir, name);
    free(dir);
    return r;
}

int
pool_store_autostart_set(const struct lv_conn *c, const char *name, int on,
                         struct lv_err *err)
{
    char *dir = lv_asprintf("%s/storage", c->lib_dir);
    int r = lv_store_autostart_set(dir, "pool", name, on, err);
    free(dir);
    return r;
}

int
pool_store_lock(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    char *dir = lv_asprintf("%s/locks", c->run_dir);
    char *p = lv_asprintf("%s/pool-%s.lock", dir, name);
    int fd = -1;

    if (lv_store_mkdirs(dir, 0755, err) == 0)
        fd = lv_store_lock(p, 1, err);
    free(p);
    free(dir);
    return fd;
}
