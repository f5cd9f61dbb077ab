/* net.c - what the rest of luavirt asks of networks (see net.h): the
 * bridge of an active network, its DHCP leases, and which running domains
 * use it (through the connection's guest walker, core/conn.h: net/ does not
 * include kvm/ nor know where it keeps live state). */
#include "net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dom_def.h"
#include "log.h"
#include "net_def.h"
#include "net_run.h"
#include "net_store.h"
#include "store.h"
#include "strbuf.h"

static int
not_active(const struct lv_conn *c, const char *network, struct lv_err *err)
{
    if (net_store_exists(c, network))
        lv_err_set(err, LV_E_STATE, "network '%s': not active", network);
    else
        lv_err_set(err, LV_E_NO_NETWORK, "network '%s': no such network",
                   network);
    return -1;
}

int
net_active_bridge(const struct lv_conn *c, const char *network, char *bridge,
                  size_t n, struct lv_err *err)
{
    struct net_def *def;
    const char *b;
    int r = -1;

    if (!net_run_active(c, network))
        return not_active(c, network, err);
    if (!(def = net_get_def(c, network, 0, err)))
        return -1;
    b = net_def_bridge(def);
    if (!b) {
        lv_err_set(err, LV_E_STATE, "network '%s': has no bridge", network);
    } else if (strlen(b) >= n) {
        lv_err_set(err, LV_E_INVALID, "network '%s': bridge name '%s' too "
                   "long", network, b);
    } else {
        strcpy(bridge, b);
        r = 0;
    }
    net_def_free(def);
    return r;
}

static void
fill_prefixes(const struct net_def *def, struct net_dhcp_lease *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < def->n_ips; k++)
            if (net_ip_contains(&def->ips[k], l[i].ip)) {
                l[i].prefix = net_ip_prefix(&def->ips[k]);
                break;
            }
}

int
net_leases(const struct lv_conn *c, const char *network,
           struct net_dhcp_lease **out, size_t *n, struct lv_err *err)
{
    struct net_def *def = NULL;
    char *path = NULL, *text = NULL;
    struct lv_err e = LV_ERR_INIT;
    int r = -1;

    *out = NULL;
    *n = 0;
    if (!(def = net_get_def(c, network, 0, err)))
        return -1;
    if (!net_run_active(c, network)) {
        r = 0;
        goto out;
    }
    path = net_run_file(c, network, "leases");
    if (!(text = lv_store_read(path, NULL, &e))) {
        if (e.errnum == ENOENT) {
            r = 0;
        } else {
            *err = e;
            lv_err_prefix(err, "network '%s': ", network);
        }
        goto out;
    }
    if (net_leases_parse(text, (long long)time(NULL), out, n, err) < 0) {
        lv_err_prefix(err, "network '%s': %s: ", network, path);
        goto out;
    }
    fill_prefixes(def, *out, *n);
    r = 0;
out:
    free(text);
    free(path);
    net_def_free(def);
    return r;
}

struct users_walk {
    const char *network;
    char **names;
    size_t n;
};

/* Collect the running guests with an interface on the network. */
static int
collect_user(const char *name, const struct dom_def *d, void *arg)
{
    struct users_walk *w = arg;

    for (size_t i = 0; i < d->n_interfaces; i++)
        if (d->interfaces[i].type == DOM_NET_NETWORK && d->interfaces[i].source &&
            strcmp(d->interfaces[i].source, w->network) == 0) {
            w->names = lv_realloc(w->names, (w->n + 2) * sizeof(char *));
            w->names[w->n++] = lv_strdup(name);
            w->names[w->n] = NULL;
            break;
        }
    return 0;
}

int
net_users(const struct lv_conn *c, const char *network, char ***users,
          size_t *n, struct lv_err *err)
{
    struct users_walk w = { network, lv_calloc(1, sizeof(char *)), 0 };

    if (lv_conn_each_running_guest(c, collect_user, &w, err) < 0) {
        lv_store_names_free(w.names, w.n);
        return -1;
    }
    *users = w.names;
    *n = w.n;
    return 0;
}
