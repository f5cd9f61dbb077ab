/* net_run.c - network state that is not start/stop (see net_run.h): paths,
 * status, listing, define/undefine/autostart, and the dnsmasq file layout
 * shared by start and net-update. */
#include "net_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "dnsmasq.h"
#include "log.h"
#include "obj_store.h"
#include "net_store.h"
#include "net_xml.h"
#include "store.h"
#include "strbuf.h"

char *
net_run_dir(const struct lv_conn *c, const char *name)
{
    return lv_asprintf("%s/network/%s", c->run_dir, name);
}

char *
net_run_file(const struct lv_conn *c, const char *name, const char *file)
{
    return lv_asprintf("%s/network/%s/%s", c->run_dir, name, file);
}

char *
net_lock_path(const struct lv_conn *c, const char *name)
{
    return lv_asprintf("%s/locks/net-%s.lock", c->run_dir, name);
}

int
net_run_global_lock(const struct lv_conn *c, struct lv_err *err)
{
    char *p = lv_asprintf("%s/locks/net.lock", c->run_dir);
    int fd = lv_store_lock(p, 1, err);
    free(p);
    return fd;
}

static int
name_ok(const char *name)
{
    return lv_obj_name_ok(name);
}

int
net_run_active(const struct lv_conn *c, const char *name)
{
    char *p;
    int r;

    if (!name_ok(name))
        return 0;
    p = net_run_file(c, name, "live.xml");
    r = access(p, F_OK) == 0;
    free(p);
    return r;
}

struct net_def *
net_get_def(const struct lv_conn *c, const char *name, int inactive,
            struct lv_err *err)
{
    struct net_def *def;
    char *p;

    if (!name_ok(name)) {
        lv_err_set(err, LV_E_NO_NETWORK, "network '%s': no such network",
                   name ? name : "");
        return NULL;
    }
    if (inactive && net_store_exists(c, name))
        return net_store_load(c, name, err);
    if (!net_run_active(c, name))
        return net_store_load(c, name, err);
    p = net_run_file(c, name, "live.xml");
    def = net_store_load_file(p, name, err);
    free(p);
    return def;
}

int
net_run_save_live(const struct lv_conn *c, const struct net_def *def,
                  struct lv_err *err)
{
    char *p = net_run_file(c, def->name, "live.xml");
    int r = net_store_save_file(p, def, 0, err);
    free(p);
    return r;
}

int
net_status_read(const struct lv_conn *c, const char *name,
                struct net_status *st, struct lv_err *err)
{
    struct net_def *def = net_get_def(c, name, 0, err);
    const char *br;

    memset(st, 0, sizeof(*st));
    if (!def)
        return -1;
    st->active = net_run_active(c, name);
    st->persistent = net_store_exists(c, name);
    st->autostart = st->persistent && net_store_autostart_get(c, name);
    uuid_unparse_lower(def->uuid, st->uuid);
    br = net_def_bridge(def);
    snprintf(st->bridge, sizeof(st->bridge), "%s", br ? br : "");
    if (st->active && net_def_has_own_bridge(def) && def->n_ips > 0) {
        char *pid = net_run_file(c, name, "dnsmasq.pid");
        char *conf = net_run_file(c, name, "dnsmasq.conf");
        st->has_dnsmasq = 1;
        st->dnsmasq_pid = dnsmasq_pid(pid, conf);
        free(conf);
        free(pid);
    }
    net_def_free(def);
    return 0;
}

static int
names_contain(char **names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
net_list(const struct lv_conn *c, unsigned flags, char ***names, size_t *n,
         struct lv_err *err)
{
    char **def = NULL, **act = NULL, **out = NULL;
    size_t nd = 0, na = 0, no = 0;
    char *dir = lv_asprintf("%s/network", c->run_dir);
    int r = -1;

    if (net_store_names(c, &def, &nd, err) < 0 ||
        lv_store_list_dir(dir, "", 1, &act, &na, err) < 0)
        goto out;
    out = lv_calloc(nd + na + 1, sizeof(*out));
    for (size_t i = 0; i < na; i++)
        if ((flags & NET_LIST_ACTIVE) && net_run_active(c, act[i]))
            out[no++] = lv_strdup(act[i]);
    for (size_t i = 0; i < nd; i++)
        if ((flags & NET_LIST_INACTIVE) && !net_run_active(c, def[i]) &&
            !names_contain(out, no, def[i]))
            out[no++] = lv_strdup(def[i]);
    qsort(out, no, sizeof(*out), cmp_str);
    *names = out;
    *n = no;
    out = NULL;
    r = 0;
out:
    free(out);
    lv_store_names_free(def, nd);
    lv_store_names_free(act, na);
    free(dir);
    return r;
}

char *
net_lookup_uuid(const struct lv_conn *c, const char *uuid, struct lv_err *err)
{
    char **names = NULL, *found = NULL;
    size_t n = 0;
    uuid_t want;

    if (uuid_parse(uuid, want) < 0) {
        lv_err_set(err, LV_E_NO_NETWORK, "network '%s': no network with "
                   "matching uuid", uuid);
        return NULL;
    }
    if (net_list(c, NET_LIST_ACTIVE | NET_LIST_INACTIVE, &names, &n, err) < 0)
        return NULL;
    for (size_t i = 0; i < n && !found; i++) {
        struct net_def *def = net_get_def(c, names[i], 0, NULL);
        if (def && uuid_compare(def->uuid, want) == 0)
            found = lv_strdup(names[i]);
        net_def_free(def);
    }
    lv_store_names_free(names, n);
    if (!found)
        lv_err_set(err, LV_E_NO_NETWORK, "network '%s': no network with "
                   "matching uuid", uuid);
    return found;
}

void
net_run_clean_dir(const struct lv_conn *c, const char *name)
{
    char *dir = net_run_dir(c, name);
    char **files = NULL;
    size_t n = 0;

    if (lv_store_list_dir(dir, "", 0, &files, &n, NULL) == 0) {
        for (size_t i = 0; i < n; i++) {
            char *p;
            if (strcmp(files[i], "leases") == 0)
                continue;
            p = lv_asprintf("%s/%s", dir, files[i]);
            (void)lv_store_remove(p, NULL);
            free(p);
        }
    }
    (void)rmdir(dir);
    lv_store_names_free(files, n);
    free(dir);
}
