/* obj_store.c - persistent objects of every kind under the lib dir (see
 * obj_store.h). */
#include "obj_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "log.h"
#include "names.h"
#include "store.h"
#include "strbuf.h"
#include "test_hook.h"

const struct lv_kind LV_KIND_DOMAIN = { "qemu", "domain", LV_E_NO_DOMAIN,
                                        "no such domain", "dom", "qemu" };
const struct lv_kind LV_KIND_NETWORK = { "network", "network", LV_E_NO_NETWORK,
                                         "no such network", "net", "network" };
const struct lv_kind LV_KIND_POOL = { "storage", "pool", LV_E_NO_POOL,
                                      "no storage pool with matching name", "pool",
                                      "storage" };

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
    char *u = uuid_path(c, k, uuid), *tmp = lv_asprintf("%s.tmp.%d", u, (int)getpid());
    int r = -1;

    if (!name) {
        r = lv_store_remove(u, err);
        goto out;
    }
    if (lv_store_mkdirs(dir, 0755, err) < 0)
        goto out;
    unlink(tmp);
    if (symlink(name, tmp) < 0) {
        lv_err_sys(err, "%s '%s': cannot index uuid %s", k->what, name, uuid);
        goto out;
    }
    lv_test_stop_at("define-after-uuid-tmp");
    if (rename(tmp, u) < 0) {
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
    char *dir = kind_dir(c, k), *p = lv_obj_path(c, k, name), *tmp = NULL;
    int r = -1;

    if (lv_store_mkdirs(dir, 0755, err) < 0 ||
        !(tmp = lv_store_write_tmp(p, xml, strlen(xml), 0600, err)))
        goto out;
    lv_test_stop_at("define-after-tmp");
    if (lv_store_commit_tmp(tmp, p, err) < 0)
        goto out;
    lv_test_stop_at("define-after-rename");
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

/* Does NAME's stored XML say <uuid>uuid</uuid> (compared as uuids)? */
static int
xml_has_uuid(const struct lv_conn *c, const struct lv_kind *k, const char *name,
             const char *uuid)
{
    size_t len = 0;
    char *xml = lv_obj_read(c, k, name, &len, NULL);
    xmlDoc *doc = NULL;
    uuid_t want, got;
    int r = 0;

    if (!xml || uuid_parse(uuid, want) < 0)
        goto out;
    doc = xmlReadMemory(xml, (int)len, NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !xmlDocGetRootElement(doc))
        goto out;
    for (xmlNode *n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, "uuid")) {
            xmlChar *text = xmlNodeGetContent(n);
            char *t = (char *)text;
            while (t && (*t == ' ' || *t == '\n' || *t == '\t'))
                t++;
            r = t && strlen(t) >= 36 && (t[36] = '\0', uuid_parse(t, got) == 0) &&
                uuid_compare(want, got) == 0;
            xmlFree(text);
            break;
        }
    }
out:
    xmlFreeDoc(doc);
    free(xml);
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
        if (lv_obj_exists(c, k, buf) && xml_has_uuid(c, k, buf, uuid))
            name = lv_strdup(buf);
    }
    free(u);
    return name;
}

static char *
lock_path(const struct lv_conn *c, const struct lv_kind *k, const char *name)
{
    return lv_asprintf("%s/locks/%s-%s.lock", c->run_dir, k->lock, name);
}

/* The uuid index links to name that are half made or no longer true. */
static void
clean_uuid_links(const struct lv_conn *c, const struct lv_kind *k, const char *name)
{
    char *dir = lv_asprintf("%s/%s/.uuid", c->lib_dir, k->dir);
    DIR *d = opendir(dir);
    struct dirent *de;

    while (d && (de = readdir(d))) {
        char target[PATH_MAX];
        ssize_t n;
        if (de->d_name[0] == '.')
            continue;
        n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
        if (n <= 0)
            continue;
        target[n] = '\0';
        if (strcmp(target, name) != 0)
            continue;
        /* UUID.tmp.PID: a killed index update; UUID: stale unless the
         * definition backs it */
        if (strchr(de->d_name, '.') || !xml_has_uuid(c, k, name, de->d_name)) {
            if (unlinkat(dirfd(d), de->d_name, 0) == 0)
                lv_log_debug("%s %s: removed the stale uuid index entry %s", k->what,
                             name, de->d_name);
        }
    }
    if (d)
        closedir(d);
    free(dir);
}

void
lv_obj_clean(const struct lv_conn *c, const struct lv_kind *k, const char *name)
{
    char *dir = kind_dir(c, k), *base = lv_asprintf("%s.xml", name);

    /* every writer of NAME.xml holds NAME's lock: any PID's file is stale */
    lv_store_remove_tmp(dir, base, 1);
    clean_uuid_links(c, k, name);
    free(base);
    free(dir);
}

int
lv_obj_lock(const struct lv_conn *c, const struct lv_kind *k, const char *name,
            struct lv_err *err)
{
    char *p = lock_path(c, k, name);
    int fd = lv_store_lock(p, 1, err);
    char mark = 0;

    /* The lock file says 'd' from here until lv_obj_unlock empties it: one
     * that still says so was held by a command that did not finish, and
     * only then is there anything to clean (the clean reads the whole uuid
     * index: O(domains), too slow for every define). */
    if (fd >= 0) {
        if (pread(fd, &mark, 1, 0) == 1 && mark == 'd')
            lv_obj_clean(c, k, name);
        else if (pwrite(fd, "d", 1, 0) != 1)
            lv_obj_clean(c, k, name);       /* cannot mark: clean every time */
    }
    free(p);
    return fd;
}

void
lv_obj_unlock(const struct lv_conn *c, const struct lv_kind *k, const char *name,
              int fd)
{
    char *p, *run;

    if (fd < 0)
        return;
    p = lock_path(c, k, name);
    run = lv_asprintf("%s/%s/%s", c->run_dir, k->run, name);
    if (!lv_obj_exists(c, k, name) && access(run, F_OK) != 0) {
        lv_store_lock_remove(p, fd);
    } else {
        if (ftruncate(fd, 0) < 0)         /* the next locker cleans, in vain */
            lv_log_debug("%s %s: cannot clear the lock's mark: %s", k->what, name,
                         strerror(errno));
        lv_store_unlock(fd);
    }
    free(run);
    free(p);
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
