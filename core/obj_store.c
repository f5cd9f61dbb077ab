/* obj_store.c - persistent objects of every kind under the lib dir (see
 * obj_store.h). */
#include "obj_store.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "names.h"
#include "store.h"
#include "strbuf.h"

const struct lv_kind LV_KIND_DOMAIN = { "qemu", "domain", LV_E_NO_DOMAIN,
                                        "no such domain" };
const struct lv_kind LV_KIND_NETWORK = { "network", "network", LV_E_NO_NETWORK,
                                         "no such network" };
const struct lv_kind LV_KIND_POOL = { "storage", "pool", LV_E_NO_POOL,
                                      "no storage pool with matching name" };

int
lv_obj_name_ok(const char *name)
{
    return lv_name_check("object", name, NULL) == 0;
}

static char *
kind_dir(const struct lv_conn *c, const struct lv_kind *k)
{
    return lv_asprintf("%s/%s", c->lib_dir, k->dir);
}

char *
lv_obj_path(const struct lv_conn *c, const struct lv_kind *k, const char *name)
{
    return lv_asprintf("%s/%s/%s.xml", c->lib_dir, k->dir, name);
}

static char *
uuid_path(const struct lv_conn *c, const struct lv_kind *k, const char *uuid)
{
    return lv_asprintf("%s/%s/.uuid/%s", c->lib_dir, k->dir, uuid);
}

int
lv_obj_exists(const struct lv_conn *c, const struct lv_kind *k, const char *name)
{
    char *p;
    int r;

    if (!lv_obj_name_ok(name))
        return 0;
    p = lv_obj_path(c, k, name);
    r = access(p, F_OK) == 0;
    free(p);
    return r;
}

static void
set_missing(const struct lv_kind *k, const char *name, struct lv_err *err)
{
    lv_err_set(err, k->missing, "%s '%s': %s", k->what, name ? name : "",
               k->missing_msg);
}

char *
lv_obj_read(const struct lv_conn *c, const struct lv_kind *k, const char *name,
            size_t *len, struct lv_err *err)
{
    char *p, *xml;

    if (!lv_obj_name_ok(name)) {
        set_missing(k, name, err);
        return NULL;
    }
    p = lv_obj_path(c, k, name);
    xml = lv_store_read(p, len, err);
    if (!xml && err && err->errnum == ENOENT)
        set_missing(k, name, err);
    free(p);
    return xml;
}

int
lv_obj_uuid_set(const struct lv_conn *c, const struct lv_kind *k, const char *uuid,
                const char *name, struct lv_err *err)
{
    char *dir = lv_asprintf("%s/%s/.uuid", c->lib_dir, k->dir);
    char *u = uuid_path(c, k, uuid), *tmp = lv_asprintf("%s.tmp", u);
    int r = -1;

    if (!name) {
        r = lv_store_remove(u, err);
        goto out;
    }
    if (lv_store_mkdirs(dir, 0755, err) < 0)
        goto out;
    unlink(tmp);
    if (symlink(name, tmp) < 0 || rename(tmp, u) < 0) {
        lv_err_sys(err, "%s '%s': cannot index uuid %s", k->what, name, uuid);
        unlink(tmp);
        goto out;
    }
    r = 0;
out:
    free(tmp);
    free(u);
    free(dir);
    return r;
}

int
lv_obj_write(const struct lv_conn *c, const struct lv_kind *k, const char *name,
             const char *uuid, const char *xml, struct lv_err *err)
{
    char *dir = kind_dir(c, k), *p = lv_obj_path(c, k, name);
    int r = -1;

    if (lv_store_mkdirs(dir, 0755, err) < 0 ||
        lv_store_write_atomic(p, xml, strlen(xml), 0600, err) < 0)
        goto out;
    r = uuid ? lv_obj_uuid_set(c, k, uuid, name, err) : 0;
out:
    free(p);
    free(dir);
    return r;
}

int
lv_obj_remove(const struct lv_conn *c, const struct lv_kind *k, const char *name,
              const char *uuid, struct lv_err *err)
{
    char *p = lv_obj_path(c, k, name);
    int r = -1;

    if (lv_obj_autostart_set(c, k, name, 0, err) < 0 || lv_store_remove(p, err) < 0)
        goto out;
    if (uuid) {
        /* only the link that still points at this name */
        char *owner = lv_obj_uuid_lookup(c, k, uuid);
        int mine = !owner || strcmp(owner, name) == 0;
        free(owner);
        if (mine && lv_obj_uuid_set(c, k, uuid, NULL, err) < 0)
            goto out;
    }
    r = 0;
out:
    free(p);
    return r;
}

int
lv_obj_names(const struct lv_conn *c, const struct lv_kind *k, char ***names,
             size_t *n, struct lv_err *err)
{
    char *dir = kind_dir(c, k);
    int r = lv_store_list_dir(dir, ".xml", 0, names, n, err);

    free(dir);
    return r;
}

char *
lv_obj_uuid_lookup(const struct lv_conn *c, const struct lv_kind *k, const char *uuid)
{
    char *u = uuid_path(c, k, uuid), buf[PATH_MAX];
    ssize_t n = readlink(u, buf, sizeof(buf) - 1);
    char *name = NULL;

    if (n > 0) {
        buf[n] = '\0';
        if (lv_obj_exists(c, k, buf))
            name = lv_strdup(buf);
    }
    free(u);
    return name;
}

int
lv_obj_autostart_get(const struct lv_conn *c, const struct lv_kind *k, const char *name)
{
    char *dir = kind_dir(c, k);
    int r = lv_store_autostart_get(dir, name);

    free(dir);
    return r;
}

int
lv_obj_autostart_set(const struct lv_conn *c, const struct lv_kind *k,
                     const char *name, int on, struct lv_err *err)
{
    char *dir = kind_dir(c, k);
    int r = lv_store_autostart_set(dir, k->what, name, on, err);

    free(dir);
    return r;
}
