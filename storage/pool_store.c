/* pool_store.c - persistent pool definitions in the object store (see
 * pool_store.h, core/obj_store.h), after libvirt's /etc/libvirt/storage. */
#include "pool_store.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "obj_store.h"
#include "pool_xml.h"
#include "store.h"
#include "names.h"
#include "strbuf.h"

#define K (&LV_KIND_POOL)

int
pool_store_check_name(const char *name, struct lv_err *err)
{
    return lv_name_check("pool", name, err);
}

int
pool_store_exists(const struct lv_conn *c, const char *name)
{
    return lv_obj_exists(c, K, name);
}

struct pool_def *
pool_store_load(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    size_t len = 0;
    char *xml = lv_obj_read(c, K, name, &len, err), *p;
    struct pool_def *def;

    if (!xml)
        return NULL;
    p = lv_obj_path(c, K, name);
    def = pool_def_parse_xml(xml, len, p, POOL_PARSE_KEEP_UNKNOWN, err);
    free(xml);
    free(p);
    return def;
}

int
pool_store_save(const struct lv_conn *c, const struct pool_def *def,
                struct lv_err *err)
{
    char *xml = pool_def_format_xml(def, 0, err), uuid[37];
    int r;

    if (!xml)
        return -1;
    r = lv_obj_write(c, K, def->name, pool_def_uuid_str(def, uuid), xml, err);
    free(xml);
    return r;
}

int
pool_store_remove(const struct lv_conn *c, const struct pool_def *def,
                  struct lv_err *err)
{
    char uuid[37];

    return lv_obj_remove(c, K, def->name, pool_def_uuid_str(def, uuid), err);
}

int
pool_store_names(const struct lv_conn *c, char ***names, size_t *n,
                 struct lv_err *err)
{
    return lv_obj_names(c, K, names, n, err);
}

char *
pool_store_uuid_lookup(const struct lv_conn *c, const char *uuid)
{
    return lv_obj_uuid_lookup(c, K, uuid);
}

int
pool_store_autostart_get(const struct lv_conn *c, const char *name)
{
    return lv_obj_autostart_get(c, K, name);
}

int
pool_store_autostart_set(const struct lv_conn *c, const char *name, int on,
                         struct lv_err *err)
{
    return lv_obj_autostart_set(c, K, name, on, err);
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
