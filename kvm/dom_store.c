/* dom_store.c - persistent domain definitions and autostart links (see
 * dom_store.h). Files are only ever replaced by atomic renames. */
#include "dom_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dom_xml.h"
#include "store.h"
#include "strbuf.h"

char *
dom_store_path(const struct lv_conn *c, const char *name)
{
    return lv_asprintf("%s/qemu/%s.xml", c->lib_dir, name);
}

static char *
autostart_path(const struct lv_conn *c, const char *name)
{
    return lv_asprintf("%s/qemu/autostart/%s.xml", c->lib_dir, name);
}

int
dom_store_exists(const struct lv_conn *c, const char *name)
{
    char *p = dom_store_path(c, name);
    int r = access(p, F_OK) == 0;
    free(p);
    return r;
}

struct dom_def *
dom_store_load_file(const char *path, const char *name, struct lv_err *err)
{
    size_t len = 0;
    char *xml = lv_store_read(path, &len, err);
    struct dom_def *def;

    if (!xml) {
        if (err && err->errnum == ENOENT)
            lv_err_set(err, LV_E_NO_DOMAIN, "domain '%s': no such domain", name);
        return NULL;
    }
    /* our own files keep whatever the user asked to keep */
    def = dom_def_parse_xml(xml, len, path, DOM_PARSE_KEEP_UNKNOWN, err);
    free(xml);
    return def;
}

struct dom_def *
dom_store_load(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    char *p;
    struct dom_def *def;

    if (dom_def_check_name(name, NULL) < 0) {
        lv_err_set(err, LV_E_NO_DOMAIN, "domain '%s': no such domain", name);
        return NULL;
    }
    p = dom_store_path(c, name);
    def = dom_store_load_file(p, name, err);
    free(p);
    return def;
}

int
dom_store_save_file(const char *path, const struct dom_def *def,
                    unsigned flags, struct lv_err *err)
{
    char *xml = dom_def_format_xml(def, flags, err);
    int r;

    if (!xml)
        return -1;
    r = lv_store_write_atomic(path, xml, strlen(xml), 0600, err);
    free(xml);
    return r;
}

int
dom_store_save(const struct lv_conn *c, const struct dom_def *def,
               struct lv_err *err)
{
    char *p = dom_store_path(c, def->name);
    int r = dom_store_save_file(p, def, DOM_FORMAT_INACTIVE | DOM_FORMAT_SECURE,
                                err);
    free(p);
    return r;
}

int
dom_store_remove(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    char *p = dom_store_path(c, name);
    char *a = autostart_path(c, name);
    int r = -1;

    if (lv_store_remove(a, err) < 0 || lv_store_remove(p, err) < 0)
        goto out;
    r = 0;
out:
    free(a);
    free(p);
    return r;
}

int
dom_store_names(const struct lv_conn *c, char ***names, size_t *n,
                struct lv_err *err)
{
    char *dir = lv_asprintf("%s/qemu", c->lib_dir);
    int r = lv_store_list_dir(dir, ".xml", 0, names, n, err);
    free(dir);
    return r;
}

void
dom_store_names_free(char **names, size_t n)
{
    lv_store_names_free(names, n);
}

int
dom_store_autostart_get(const struct lv_conn *c, const char *name)
{
    char *dir = lv_asprintf("%s/qemu", c->lib_dir);
    int r = lv_store_autostart_get(dir, name);
    free(dir);
    return r;
}

int
dom_store_autostart_set(const struct lv_conn *c, const char *name, int on,
                        struct lv_err *err)
{
    char *dir = lv_asprintf("%s/qemu", c->lib_dir);
    int r = lv_store_autostart_set(dir, "domain", name, on, err);
    free(dir);
    return r;
}
