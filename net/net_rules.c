/* net_rules.c - the nftables table of an active forwarding network (see
 * net_rules.h): the struct nft_net that nft.c turns into text, filled from
 * the live definition (bridge, IPv4/IPv6 subnets, <forward dev=>, mode) and
 * the network's port forwards, then loaded with nft -f. */
#include "net_rules.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "net_run.h"
#include "strbuf.h"

int
net_rules_table(const struct lv_conn *c, const struct net_def *def, char *table,
                size_t n, struct lv_err *err)
{
    char uuid[33];

    for (int i = 0; i < 16; i++)
        snprintf(uuid + 2 * i, 3, "%02x", def->uuid[i]);
    return nft_table_name(c->lib_dir, def->name, uuid, table, n, err);
}

void
net_rules_subnet(int family, const char *addr, int prefix, char *out,
                 size_t n)
{
    unsigned char b[16] = { 0 };
    int len = family == AF_INET6 ? 16 : 4;

    inet_pton(family, addr, b);
    for (int i = 0; i < len; i++) {
        int keep = prefix - i * 8;
        b[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    }
    inet_ntop(family, b, out, (socklen_t)n);
}

int
net_rules_apply(const struct lv_conn *c, const struct net_def *def,
                const struct nft_portfwd *fwds, size_t n_fwds,
                struct lv_err *err)
{
    int p4 = 0, p6 = 0, r = -1;
    char table[256], net4[64] = "", net6[64] = "", *rules = NULL, *path;
    const struct net_ip *ip4 = net_def_ipv4(def, NULL, &p4);
    const struct net_ip *ip6 = net_def_ipv6(def, NULL, &p6);
    struct nft_net n = { .table = table, .bridge = net_def_bridge(def),
                         .dev = def->forward.dev,
                         .mode = def->forward.mode == NET_FWD_NAT ? NFT_NAT
                                                                  : NFT_ROUTE,
                         .subnet = net4, .prefix = p4,
                         .fwds = fwds, .n_fwds = n_fwds };

    if (!ip4) {
        lv_err_set(err, LV_E_UNSUPPORTED, "network '%s': forward mode '%s' "
                   "needs an IPv4 address", def->name,
                   net_forward_mode_to_str(def->forward.mode));
        return -1;
    }
    if (net_rules_table(c, def, table, sizeof(table), err) < 0)
        return -1;
    net_rules_subnet(AF_INET, ip4->address, p4, net4, sizeof(net4));
    if (ip6) {
        net_rules_subnet(AF_INET6, ip6->address, p6, net6, sizeof(net6));
        n.subnet6 = net6;
        n.prefix6 = p6;
    }
    rules = nft_ruleset(&n);
    path = net_run_file(c, def->name, "nft.rules");
    if (nft_apply(path, rules, err) < 0) {
        lv_err_prefix(err, "network '%s': ", def->name);
        goto out;
    }
    r = 0;
out:
    free(path);
    free(rules);
    return r;
}
