/* net_update.c - virsh net-update add|delete ip-dhcp-host (see net_run.h):
 * the change is made to the persistent definition (--config) and/or to the
 * running network (--live: live.xml, the DHCP hosts file, SIGHUP to
 * dnsmasq), with libvirt's "current" default. */
#include <stdlib.h>
#include <string.h>

#include "dnsmasq.h"
#include "log.h"
#include "net_run.h"
#include "net_store.h"
#include "net_xml.h"
#include "store.h"
#include "strbuf.h"

static int
host_matches(const struct net_dhcp_host *h, const struct net_dhcp_host *want)
{
    if (want->mac && h->mac && strcasecmp(want->mac, h->mac) == 0)
        return 1;
    if (want->ip && h->ip && strcmp(want->ip, h->ip) == 0)
        return 1;
    if (want->name && h->name && strcmp(want->name, h->name) == 0)
        return 1;
    if (want->id && h->id && strcmp(want->id, h->id) == 0)
        return 1;
    return 0;
}

/* Parse the <host> fragment against def; for a delete, against def
 * without its hosts, since the parser refuses a host that duplicates one. */
static int
parse_host(const struct net_def *def, enum net_update_cmd cmd,
           const char *xml, struct net_dhcp_host *h, size_t *idx,
           struct lv_err *err)
{
    struct net_def *bare = NULL;
    int r;

    if (cmd == NET_UPDATE_DELETE) {
        bare = net_def_copy(def);
        for (size_t i = 0; i < bare->n_ips; i++) {
            for (size_t k = 0; k < bare->ips[i].n_hosts; k++)
                net_dhcp_host_clear(&bare->ips[i].hosts[k]);
            bare->ips[i].n_hosts = 0;
        }
    }
    r = net_dhcp_host_parse_xml(bare ? bare : def, xml, strlen(xml), h, idx,
                                err);
    if (r < 0)
        lv_err_prefix(err, "network '%s': ", def->name);
    net_def_free(bare);
    return r;
}

/* Apply the change to def; def is unchanged on failure. */
static int
edit_def(struct net_def *def, enum net_update_cmd cmd, const char *xml,
         struct lv_err *err)
{
    struct net_dhcp_host h;
    struct net_ip *ip;
    size_t idx = 0, k;
    int r = -1;

    memset(&h, 0, sizeof(h));
    if (parse_host(def, cmd, xml, &h, &idx, err) < 0)
        return -1;
    ip = &def->ips[idx];
    for (k = 0; k < ip->n_hosts && !host_matches(&ip->hosts[k], &h); k++)
        ;
    if (cmd == NET_UPDATE_ADD) {
        if (k < ip->n_hosts) {
            lv_err_set(err, LV_E_EXISTS, "network '%s': there is an existing "
                       "dhcp host entry that matches \"%s\"", def->name, xml);
            goto out;
        }
        ip->hosts = lv_realloc(ip->hosts, (ip->n_hosts + 1) * sizeof(h));
        ip->hosts[ip->n_hosts++] = h;
        memset(&h, 0, sizeof(h));
    } else {
        if (k == ip->n_hosts) {
            lv_err_set(err, LV_E_INVALID, "network '%s': couldn't locate a "
                       "matching dhcp host entry", def->name);
            goto out;
        }
        net_dhcp_host_clear(&ip->hosts[k]);
        memmove(&ip->hosts[k], &ip->hosts[k + 1],
                (ip->n_hosts - k - 1) * sizeof(h));
        ip->n_hosts--;
    }
    r = 0;
out:
    net_dhcp_host_clear(&h);
    return r;
}

static int
update_live(const struct lv_conn *c, const char *name,
            enum net_update_cmd cmd, const char *xml, struct lv_err *err)
{
    struct net_def *def = net_get_def(c, name, 0, err);
    char *pid = NULL, *conf = NULL;
    int r = -1;

    if (!def || edit_def(def, cmd, xml, err) < 0)
        goto out;
    pid = net_run_file(c, name, "dnsmasq.pid");
    conf = net_run_file(c, name, "dnsmasq.conf");
    if (net_run_write_hosts(c, def, err) < 0 ||
        net_run_save_live(c, def, err) < 0)
        goto out;
    if (dnsmasq_pid(pid, conf) > 0 &&
        dnsmasq_reload(name, pid, conf, err) < 0)
        goto out;
    r = 0;
out:
    free(conf);
    free(pid);
    net_def_free(def);
    return r;
}

static int
update_config(const struct lv_conn *c, const char *name,
              enum net_update_cmd cmd, const char *xml, struct lv_err *err)
{
    struct net_def *def = net_store_load(c, name, err);
    int r = -1;

    if (def && edit_def(def, cmd, xml, err) == 0)
        r = net_store_save(c, def, err);
    net_def_free(def);
    return r;
}

int
net_update_dhcp_host(const struct lv_conn *c, const char *name,
                     enum net_update_cmd cmd, const char *xml, unsigned flags,
                     struct lv_err *err)
{
    int active = net_run_active(c, name), persistent = net_store_exists(c, name);
    char *lp = NULL;
    int fd = -1, r = -1;

    if (!active && !persistent) {
        lv_err_set(err, LV_E_NO_NETWORK, "network '%s': no such network", name);
        return -1;
    }
    if (!(flags & (NET_UPDATE_LIVE | NET_UPDATE_CONFIG)))
        flags = active ? NET_UPDATE_LIVE : NET_UPDATE_CONFIG;
    if ((flags & NET_UPDATE_LIVE) && !active) {
        lv_err_set(err, LV_E_STATE, "network '%s': not active; cannot "
                   "update it live", name);
        return -1;
    }
    if ((flags & NET_UPDATE_CONFIG) && !persistent) {
        lv_err_set(err, LV_E_STATE, "network '%s': transient; cannot update "
                   "its config", name);
        return -1;
    }
    lp = net_lock_path(c, name);
    if ((fd = lv_store_lock(lp, 1, err)) < 0)
        goto out;
    /* config first: a bad fragment fails before anything live changes */
    if ((flags & NET_UPDATE_CONFIG) &&
        update_config(c, name, cmd, xml, err) < 0)
        goto out;
    if ((flags & NET_UPDATE_LIVE) && update_live(c, name, cmd, xml, err) < 0)
        goto out;
    r = 0;
out:
    if (fd >= 0)
        lv_store_unlock(fd);
    free(lp);
    return r;
}
