/* net_store.c - persistent network definitions, autostart links and the
 * 'default' network (see net_store.h). Files are only ever replaced by
 * atomic renames. */
#include "net_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "net_xml.h"
#include "obj_store.h"
#include "store.h"
#include "strbuf.h"

static const char default_xml[] =
    "<network>\n"
    "  <name>default</name>\n"
    "  <forward mode='nat'/>\n"
    "  <bridge name='virbr0' stp='on' delay='0'/>\n"
    "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
    "    <dhcp>\n"
    "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
    "    </dhcp>\n"
    "  </ip>\n"
    "</network>\n";

const char *
net_store_default_xml(void)
{
    return default_xml;
}

#define K (&LV_KIND_NETWORK)

char *
net_store_path(const struct lv_conn *c, const char *name)
{
    return lv_obj_path(c, K, name);
}

static int
create_default(const struct lv_conn *c, struct lv_err *err)
{
    struct net_def *def;
    int r = -1;

    def = net_def_parse_xml(default_xml, strlen(default_xml), "default.xml",
                            0, err);
    if (!def)
        return -1;
    if (net_store_save(c, def, err) < 0 ||
        net_store_autostart_set(c, "default", 1, err) < 0)
        goto out;
    lv_log_debug("net default: defined (first use of the network store)");
    r = 0;
out:
    net_def_free(def);
    return r;
}

int
net_store_init(const struct lv_conn *c, struct lv_err *err)
{
    char *dir = lv_asprintf("%s/network", c->lib_dir);
    char *lockp = NULL, *auto_dir = NULL;
    int fd = -1, r = -1;
    struct stat st;

    if (stat(dir, &st) == 0) {
        r = 0;
        goto out;
    }
    lockp = lv_asprintf("%s/locks/net-store.lock", c->run_dir);
    if ((fd = lv_store_lock(lockp, 1, err)) < 0)
        goto out;
    if (stat(dir, &st) == 0) {          /* another shell was first */
        r = 0;
        goto out;
    }
    auto_dir = lv_asprintf("%s/network/autostart", c->lib_dir);
    if (lv_store_mkdirs(auto_dir, 0755, err) < 0)
        goto out;
    r = create_default(c, err);
out:
    if (fd >= 0)
        lv_store_unlock(fd);
    free(auto_dir);
    free(lockp);
    free(dir);
    return r;
}

static void
init_quietly(const struct lv_conn *c)
{
    struct lv_err err = LV_ERR_INIT;

    if (net_store_init(c, &err) < 0)
        lv_log_warn("net: cannot create the default network: %s", err.msg);
}

int
net_store_exists(const struct lv_conn *c, const char *name)
{
    if (!lv_obj_name_ok(name))
        return 0;
    init_quietly(c);
    return lv_obj_exists(c, K, name);
}

struct net_def *
net_store_load_file(const char *path, const char *name, struct lv_err *err)
{
    size_t len = 0;
    char *xml = lv_store_read(path, &len, err);
    struct net_def *def;

    if (!xml) {
        if (err && err->errnum == ENOENT)
            lv_err_set(err, LV_E_NO_NETWORK, "network '%s': no such network",
                       name);
        return NULL;
    }
    def = net_def_parse_xml(xml, len, path, NET_PARSE_KEEP_UNKNOWN, err);
    free(xml);
    return def;
}

struct net_def *
net_store_load(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    size_t len = 0;
    char *xml, *src;
    struct net_def *def;

    if (lv_obj_name_ok(name))
        init_quietly(c);
    if (!(xml = lv_obj_read(c, K, name, &len, err)))
        return NULL;
    src = lv_obj_path(c, K, name);
    def = net_def_parse_xml(xml, len, src, NET_PARSE_KEEP_UNKNOWN, err);
    free(src);
    free(xml);
    return def;
}

int
net_store_save_file(const char *path, const struct net_def *def,
                    unsigned flags, struct lv_err *err)
{
    char *xml = net_def_format_xml(def, flags, err);
    int r;

    if (!xml)
        return -1;
    r = lv_store_write_atomic(path, xml, strlen(xml), 0600, err);
    free(xml);
    return r;
}

int
net_store_save(const struct lv_conn *c, const struct net_def *def,
               struct lv_err *err)
{
    char *xml = net_def_format_xml(def, NET_FORMAT_INACTIVE, err);
    int r;

    if (!xml)
        return -1;
    r = lv_obj_write(c, K, def->name, NULL, xml, err);
    free(xml);
    return r;
}

int
net_store_remove(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    return lv_obj_remove(c, K, name, NULL, err);
}

int
net_store_names(const struct lv_conn *c, char ***names, size_t *n,
                struct lv_err *err)
{
    init_quietly(c);
    return lv_obj_names(c, K, names, n, err);
}

int
net_store_autostart_get(const struct lv_conn *c, const char *name)
{
    return lv_obj_autostart_get(c, K, name);
}

int
net_store_autostart_set(const struct lv_conn *c, const char *name, int on,
                        struct lv_err *err)
{
    return lv_obj_autostart_set(c, K, name, on, err);
}
