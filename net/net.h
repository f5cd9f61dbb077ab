/* net.h - virtual networks: the public API of net/ for the rest of luavirt
 * (kvm/ for guest NICs and domifaddr, the Lua binding, the CLI). A network
 * is a libvirt network XML definition (<lib>/network/NAME.xml) plus, while
 * active, a bridge, nftables rules and one dnsmasq (<run>/network/NAME/). */
#ifndef LV_NET_H
#define LV_NET_H

#include <stddef.h>

#include "conn.h"
#include "err.h"

/* One DHCP lease from a network's dnsmasq lease file. (Named
 * net_dhcp_lease: struct net_lease in net_def.h is a <lease> element.) */
struct net_dhcp_lease {
    char mac[18];          /* "52:54:00:12:34:56", lower case */
    char ip[46];           /* "192.168.122.45" or an IPv6 address */
    char *hostname;        /* NULL when the client sent none ("*") */
    long long expiry;      /* seconds since the epoch; 0: infinite */
    char *client_id;       /* NULL when none ("*") */
    int prefix;            /* prefix length of the network's range */
    int family;            /* AF_INET or AF_INET6 */
};

/* The bridge device of the active network `network` into bridge (size n).
 * Errors: LV_E_NO_NETWORK "network 'x': no such network", LV_E_STATE
 * "network 'x': not active"; LV_E_INVALID when n is too small. Nothing
 * changes. */
int net_active_bridge(const struct lv_conn *c, const char *network,
                      char *bridge, size_t n, struct lv_err *err);

/* The current (unexpired) leases of network `network`, read from its
 * dnsmasq lease file. An inactive network, or one without leases, gives
 * *n = 0 and *out = NULL. The caller frees with net_leases_free. Errors:
 * LV_E_NO_NETWORK; LV_E_SYSTEM when the lease file cannot be read. */
int net_leases(const struct lv_conn *c, const char *network,
               struct net_dhcp_lease **out, size_t *n, struct lv_err *err);
void net_leases_free(struct net_dhcp_lease *leases, size_t n);

/* Parse dnsmasq lease file text (lines "EXPIRY MAC IP HOST CLIENTID", and
 * "duid ..." lines, which are skipped) into leases, keeping those that have
 * not expired at `now` (0: keep all). Returns 0, or -1 with err on a bad
 * line (naming its number). Caller frees with net_leases_free. */
int net_leases_parse(const char *text, long long now,
                     struct net_dhcp_lease **out,
                     size_t *n, struct lv_err *err);

/* Which running guests use network? Walks their live definitions
 * (lv_conn_each_running_guest) for <interface type='network'> sourced from
 * it; *users gets the domain names (free with lv_store_names_free).
 * Returns 0 or -1 with err. */
int net_users(const struct lv_conn *c, const char *network, char ***users,
              size_t *n, struct lv_err *err);

#endif
