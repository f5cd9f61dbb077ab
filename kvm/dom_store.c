/* dom_store.c - persistent domain definitions and autostart links (see
 * dom_store.h). Files are only ever replaced by atomic renames. */
#include "dom_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dom_xml.h"
#include "obj_store.h"
#include "store.h"
#include "strbuf.h"

#define K (&LV_KIND_DOMAIN)

char *
dom_store_path(const struct lv_conn *c, const char *name)
{
    return lv_obj_path(c, K, name);
}

int
dom_store_exists(const struct lv_conn *c, const char *name)
{
    return lv_obj_exists(c, K, name);
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
    size_t len = 0;
    char *xml = lv_obj_read(c, K, name, &len, err), *src;
    struct dom_def *def;

    if (!xml)
        return NULL;
    src = lv_obj_path(c, K, name);
    def = dom_def_parse_xml(xml, len, src, DOM_PARSE_KEEP_UNKNOWN, err);
    free(src);
    free(xml);
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
    char *xml = dom_def_format_xml(def, DOM_FORMAT_INACTIVE | DOM_FORMAT_SECURE, err);
    int r;

    if (!xml)
        return -1;
    r = lv_obj_write(c, K, def->name, NULL, xml, err);
    free(xml);
    return r;
}

int
dom_store_remove(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    return lv_obj_remove(c, K, name, NULL, err);
}

int
dom_store_names(const struct lv_conn *c, char ***names, size_t *n,
                struct lv_err *err)
{
    return lv_obj_names(c, K, names, n, err);
}

void
dom_store_names_free(char **names, size_t n)
{
    lv_store_names_free(names, n);
}

int
dom_store_autostart_get(const struct lv_conn *c, const char *name)
{
    return lv_obj_autostart_get(c, K, name);
}

int
dom_store_autostart_set(const struct lv_conn *c, const char *name, int on,
                        struct lv_err *err)
{
    return lv_obj_autostart_set(c, K, name, on, err);
}
