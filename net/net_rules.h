/* net_rules.h - the nftables table of an active forwarding network (nat,
 * route): its forward/NAT rules from the live definition plus its port
 * forwards, built by nft.c and loaded as one transaction. Internal to net/
 * (net_start.c, net_portfwd.c). */
#ifndef LV_NET_RULES_H
#define LV_NET_RULES_H

#include <stddef.h>

#include "conn.h"
#include "err.h"
#include "net_def.h"
#include "nft.h"

/* The table name of def in c's state root ("luavirt_H_NAME", see
 * nft_table_name) into table (size n). -1 with err if it does not fit. */
int net_rules_table(const struct lv_conn *c, const struct net_def *def, char *table,
                    size_t n, struct lv_err *err);

/* The network address of addr/prefix (text, family AF_INET or AF_INET6)
 * into out (size n). */
void net_rules_subnet(int family, const char *addr, int prefix, char *out,
                      size_t n);

/* Build def's ruleset with port forwards fwds (n_fwds of them; borrowed)
 * and load it, replacing the table atomically; the ruleset file is
 * <run>/network/NAME/nft.rules. On failure (LV_E_UNSUPPORTED when def has
 * no IPv4 address, else nft's message) the table the kernel had is
 * unchanged, unless nft failed half way on a first load. */
int net_rules_apply(const struct lv_conn *c, const struct net_def *def,
                    const struct nft_portfwd *fwds, size_t n_fwds,
                    struct lv_err *err);

#endif
