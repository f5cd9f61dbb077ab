/* dom_net.c - a guest's NICs at start (a tap per NIC, on its network's or
 * host bridge) and what is read from them: domiflist rows, domifstat
 * counters, domifaddr from DHCP leases. Hotplug is in dom_net_live.c. */
#include "dom_net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dom.h"
#include "log.h"
#include "mac.h"
#include "strbuf.h"

static int
has_tap(enum dom_net_type t)
{
    return t == DOM_NET_NETWORK || t == DOM_NET_BRIDGE || t == DOM_NET_ETHERNET;
}

/* The bridge a NIC joins, into br; "" for type='ethernet' (no bridge). */
static int
nic_bridge(const struct lv_conn *c, const struct dom_interface *nic,
           char *br, size_t n, struct lv_err *err)
{
    br[0] = '\0';
    if (nic->type == DOM_NET_ETHERNET)
        return 0;
    if (!nic->source) {
        lv_err_set(err, LV_E_INVALID, "<source %s=> is missing",
                   nic->type == DOM_NET_NETWORK ? "network" : "bridge");
        return -1;
    }
    if (nic->type == DOM_NET_NETWORK)
        return net_active_bridge(c, nic->source, br, n, err);
    if (strlen(nic->source) >= n) {
        lv_err_set(err, LV_E_INVALID, "bridge '%s': name too long", nic->source);
        return -1;
    }
    snprintf(br, n, "%s", nic->source);
    return tap_bridge_check(br, err);
}

int
dom_net_tap(const struct lv_conn *c, struct dom_interface *nic, struct lv_err *err)
{
    char br[TAP_NAME_SIZE + 48], tap[TAP_NAME_SIZE];
    struct tap_opts o = { .name = nic->target_dev, .mac = nic->mac,
                          .mtu = nic->mtu };
    int fd;

    if (nic_bridge(c, nic, br, sizeof(br), err) < 0)
        return -1;
    o.bridge = br[0] ? br : NULL;
    fd = tap_create(&o, tap, err);
    if (fd < 0)
        return -1;
    free(nic->target_dev);
    nic->target_dev = lv_strdup(tap);
    return fd;
}

int
dom_net_prepare(const struct lv_conn *c, struct dom_def *def, int **fds,
                struct lv_err *err)
{
    size_t n = def->n_interfaces;
    int *f = NULL;

    *fds = NULL;
    if (n == 0)
        return 0;
    f = lv_malloc(n * sizeof(int));
    for (size_t i = 0; i < n; i++)
        f[i] = -1;
    for (size_t i = 0; i < n; i++) {
        struct dom_interface *nic = &def->interfaces[i];
        if (!nic->alias)
            nic->alias = lv_asprintf("net%zu", i);
        if (!has_tap(nic->type))
            continue;
        f[i] = dom_net_tap(c, nic, err);
        if (f[i] < 0) {
            lv_err_prefix(err, "domain '%s': interface '%s': ", def->name,
                          nic->mac ? nic->mac : "?");
            dom_net_close_fds(f, n);
            return -1;
        }
    }
    *fds = f;
    return 0;
}

void
dom_net_close_fds(int *fds, size_t n)
{
    if (!fds)
        return;
    for (size_t i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
}

size_t
dom_net_fds_collect(const int *fds, size_t n, int *out)
{
    size_t k = 0;

    for (size_t i = 0; fds && i < n; i++)
        if (fds[i] >= 0)
            out[k++] = fds[i];
    return k;
}

static char *
dash(const char *s)
{
    return lv_strdup(s && *s ? s : "-");
}

void
dom_net_rows(const struct dom_def *def, struct dom_net_row **rows, size_t *n)
{
    struct dom_net_row *r = lv_calloc(def->n_interfaces + 1, sizeof(*r));

    for (size_t i = 0; i < def->n_interfaces; i++) {
        const struct dom_interface *x = &def->interfaces[i];
        const char *src = x->source;
        /* virsh: source/@bridge|@dev|@network|@name|@path, in that order */
        if (!src)
            src = lv_attrs_get(&x->source_attrs, "bridge");
        r[i].iface = dash(x->target_dev);
        r[i].type = dash(dom_net_type_to_str(x->type));
        r[i].source = dash(src);
        r[i].model = dash(x->model);
        r[i].mac = dash(x->mac);
        r[i].link = dash(x->link_state ? x->link_state : "up");
    }
    *rows = r;
    *n = def->n_interfaces;
}

void
dom_net_rows_free(struct dom_net_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free(rows[i].iface);
        free(rows[i].type);
        free(rows[i].source);
        free(rows[i].model);
        free(rows[i].mac);
        free(rows[i].link);
    }
    free(rows);
}

int
dom_net_find(const struct dom_def *def, const char *key, struct lv_err *err)
{
    char mac[18];
    int is_mac = lv_mac_normalize(key, mac) == 0;
    int found = -1, count = 0;

    for (size_t i = 0; i < def->n_interfaces; i++) {
        const struct dom_interface *x = &def->interfaces[i];
        if ((is_mac && x->mac && !strcasecmp(x->mac, mac)) ||
            (x->target_dev && !strcmp(x->target_dev, key))) {
            if (found < 0)
                found = (int)i;
            count++;
        }
    }
    if (count == 1)
        return found;
    if (count > 1)
        lv_err_set(err, LV_E_INVALID, "domain '%s': '%s' matches %d interfaces",
                   def->name, key, count);
    else
        lv_err_set(err, LV_E_INVALID, "domain '%s': interface (%s: %s) not found",
                   def->name, is_mac ? "mac" : "dev", is_mac ? mac : key);
    return -1;
}

void
dom_net_match_leases(const struct dom_interface *nic,
                     const struct net_dhcp_lease *leases, size_t n_leases,
                     struct dom_net_addr **out, size_t *n)
{
    for (size_t i = 0; nic->mac && i < n_leases; i++) {
        struct dom_net_addr *a;
        if (strcasecmp(leases[i].mac, nic->mac) != 0)
            continue;
        *out = lv_realloc(*out, (*n + 1) * sizeof(**out));
        a = &(*out)[(*n)++];
        memset(a, 0, sizeof(*a));
        snprintf(a->name, sizeof(a->name), "%s",
                 nic->target_dev ? nic->target_dev : "-");
        snprintf(a->mac, sizeof(a->mac), "%s", nic->mac);
        a->family = leases[i].family ? leases[i].family : AF_INET;
        snprintf(a->ip, sizeof(a->ip), "%s", leases[i].ip);
        a->prefix = leases[i].prefix;
    }
}

/* The live definition of a running guest (LV_E_STATE if it is not). */
static struct dom_def *
running_def(struct lv_conn *c, const char *name, const char *what,
            struct lv_err *err)
{
    struct dom_status st;

    if (dom_status_read(c, name, &st, err) < 0)
        return NULL;
    if (st.state == DOM_STATE_SHUTOFF) {
        if (!dom_exists(c, name))
            lv_err_set(err, LV_E_NO_DOMAIN, "domain '%s': no such domain", name);
        else
            lv_err_set(err, LV_E_STATE, "domain '%s': cannot %s: not running",
                       name, what);
        return NULL;
    }
    return dom_get_def(c, name, 0, err);
}

int
dom_net_stats(struct lv_conn *c, const char *name, const char *key,
              struct tap_stats *st, struct lv_err *err)
{
    struct dom_def *def = running_def(c, name, "read interface stats", err);
    struct tap_stats t;
    int i, ret = -1;

    if (!def)
        return -1;
    i = dom_net_find(def, key, err);
    if (i < 0)
        goto out;
    if (!def->interfaces[i].target_dev || !has_tap(def->interfaces[i].type)) {
        lv_err_set(err, LV_E_UNSUPPORTED, "domain '%s': interface '%s': no "
                   "host device to read counters from", name, key);
        goto out;
    }
    if (tap_stats_get(def->interfaces[i].target_dev, &t, err) < 0) {
        lv_err_prefix(err, "domain '%s': ", name);
        goto out;
    }
    /* a tap sees the guest's traffic mirrored: libvirt swaps them back */
    *st = (struct tap_stats){
        .rx_bytes = t.tx_bytes, .rx_packets = t.tx_packets,
        .rx_errs = t.tx_errs, .rx_drop = t.tx_drop,
        .tx_bytes = t.rx_bytes, .tx_packets = t.rx_packets,
        .tx_errs = t.rx_errs, .tx_drop = t.rx_drop,
    };
    ret = 0;
out:
    dom_def_free(def);
    return ret;
}

int
dom_net_addresses(struct lv_conn *c, const char *name,
                  struct dom_net_addr **out, size_t *n, struct lv_err *err)
{
    struct dom_def *def = running_def(c, name, "read interface addresses", err);
    int ret = -1;

    *out = NULL;
    *n = 0;
    if (!def)
        return -1;
    for (size_t i = 0; i < def->n_interfaces; i++) {
        const struct dom_interface *x = &def->interfaces[i];
        struct net_dhcp_lease *l = NULL;
        size_t nl = 0;
        if (x->type != DOM_NET_NETWORK || !x->source)
            continue;
        if (net_leases(c, x->source, &l, &nl, err) < 0) {
            lv_err_prefix(err, "domain '%s': ", name);
            free(*out);
            *out = NULL;
            *n = 0;
            goto out;
        }
        dom_net_match_leases(x, l, nl, out, n);
        net_leases_free(l, nl);
    }
    ret = 0;
out:
    dom_def_free(def);
    return ret;
}
