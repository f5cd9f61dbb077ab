/* net_define.c - defining, undefining and autostart of networks (see
 * net_run.h): conflict checks against the other networks and the choice
 * of a free virbrN, like libvirt's network driver. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "log.h"
#include "net_run.h"
#include "obj_store.h"
#include "net_store.h"
#include "net_xml.h"
#include "store.h"
#include "strbuf.h"

static int
check_against(const struct net_def *def, const struct net_def *o,
              struct lv_err *err)
{
    char u[37];
    const char *b = net_def_bridge(def), *ob = net_def_bridge(o);

    uuid_unparse_lower(o->uuid, u);
    if (strcmp(def->name, o->name) == 0) {
        if (uuid_compare(def->uuid, o->uuid) != 0) {
            lv_err_set(err, LV_E_EXISTS,
                       "network '%s': already exists with uuid %s",
                       def->name, u);
            return -1;
        }
        return 0;
    }
    if (uuid_compare(def->uuid, o->uuid) == 0) {
        lv_err_set(err, LV_E_EXISTS, "network '%s': uuid %s is already "
                   "used by network '%s'", def->name, u, o->name);
        return -1;
    }
    if (b && ob && !strchr(b, '%') && strcmp(b, ob) == 0 &&
        net_def_has_own_bridge(def)) {
        lv_err_set(err, LV_E_EXISTS, "network '%s': bridge name '%s' is "
                   "already in use by network '%s'", def->name, b, o->name);
        return -1;
    }
    return 0;
}

static void
pick_bridge(struct net_def *def, char **used, size_t n_used)
{
    const char *tmpl = def->bridge.name ? def->bridge.name : "virbr%d";

    for (int i = 0; i < 1024; i++) {
        char cand[32];
        int taken = 0;
        snprintf(cand, sizeof(cand), "virbr%d", i);
        if (strncmp(tmpl, "virbr", 5) != 0)
            snprintf(cand, sizeof(cand), "lvbr%d", i);
        for (size_t k = 0; k < n_used && !taken; k++)
            taken = used[k] && strcmp(used[k], cand) == 0;
        if (!taken) {
            free(def->bridge.name);
            def->bridge.name = lv_strdup(cand);
            return;
        }
    }
}

int
net_run_prepare_def(const struct lv_conn *c, struct net_def *def,
                    struct lv_err *err)
{
    char **names = NULL, **used = NULL;
    size_t n = 0, nu = 0;
    int r = -1;

    if (!def->name || !*def->name || def->name[0] == '.' ||
        strchr(def->name, '/') || strlen(def->name) > 200) {
        lv_err_set(err, LV_E_INVALID, "network '%s': invalid name",
                   def->name ? def->name : "");
        return -1;
    }
    if (net_list(c, NET_LIST_ACTIVE | NET_LIST_INACTIVE, &names, &n, err) < 0)
        return -1;
    used = lv_calloc(2 * n + 1, sizeof(*used));
    for (size_t i = 0; i < n; i++) {
        for (int live = 0; live < 2; live++) {
            struct net_def *o = net_get_def(c, names[i], !live, NULL);
            if (!o)
                continue;
            if (check_against(def, o, err) < 0) {
                net_def_free(o);
                goto out;
            }
            if (net_def_bridge(o) && strcmp(o->name, def->name) != 0)
                used[nu++] = lv_strdup(net_def_bridge(o));
            net_def_free(o);
        }
    }
    if (net_def_has_own_bridge(def) &&
        (!def->bridge.name || strchr(def->bridge.name, '%')))
        pick_bridge(def, used, nu);
    r = 0;
out:
    lv_store_names_free(used, nu);
    lv_store_names_free(names, n);
    return r;
}

/* Take name's lock, or -1 with err. */
static int
lock_name(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    /* net_lock_path's file, cleaned of what a killed define left */
    return lv_obj_lock(c, &LV_KIND_NETWORK, name, err);
}

int
net_define(const struct lv_conn *c, const char *xml, size_t len, char **name,
           struct lv_err *err)
{
    struct net_def *def = net_def_parse_xml(xml, len, NULL, 0, err);
    int fd = -1, r = -1;

    if (!def)
        return -1;
    if (net_run_prepare_def(c, def, err) < 0 ||
        (fd = lock_name(c, def->name, err)) < 0 ||
        net_store_save(c, def, err) < 0)
        goto out;
    lv_log_debug("net %s: defined", def->name);
    *name = lv_strdup(def->name);
    r = 0;
out:
    if (fd >= 0)
        lv_store_unlock(fd);
    net_def_free(def);
    return r;
}

int
net_undefine(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    int fd = -1, r = -1;

    if (!net_store_exists(c, name)) {
        if (net_run_active(c, name))
            lv_err_set(err, LV_E_STATE, "network '%s': cannot undefine a "
                       "transient network", name);
        else
            lv_err_set(err, LV_E_NO_NETWORK, "network '%s': no such network",
                       name);
        return -1;
    }
    if ((fd = lock_name(c, name, err)) < 0 ||
        net_store_remove(c, name, err) < 0)
        goto out;
    r = 0;
out:
    lv_obj_unlock(c, &LV_KIND_NETWORK, name, fd);   /* the lock file goes too */
    return r;
}

int
net_autostart(const struct lv_conn *c, const char *name, int on,
              struct lv_err *err)
{
    if (!net_store_exists(c, name)) {
        if (net_run_active(c, name))
            lv_err_set(err, LV_E_STATE, "network '%s': cannot set autostart "
                       "for a transient network", name);
        else
            lv_err_set(err, LV_E_NO_NETWORK, "network '%s': no such network",
                       name);
        return -1;
    }
    return net_store_autostart_set(c, name, on, err);
}
