/* nft.h - the forwarding and NAT rules of a network in nftables: one table
 * of luavirt's own per network ("table inet luavirt_NAME"), built as
 * ruleset text, loaded with `nft -f FILE` and deleted whole on destroy.
 * Port forwards to guests are DNAT rules in the same table. */
#ifndef LV_NFT_H
#define LV_NFT_H

#include <stddef.h>

#include "err.h"

enum nft_mode { NFT_ROUTE = 0, NFT_NAT };
enum nft_proto { NFT_TCP = 0, NFT_UDP };

/* One port forward: host_port on any local address of the host to
 * guest_ip:guest_port (an IPv4 address of the network). */
struct nft_portfwd {
    enum nft_proto proto;
    int host_port;         /* 1..65535 */
    char guest_ip[16];     /* dotted quad */
    int guest_port;        /* 1..65535 */
};

struct nft_net {
    const char *table;     /* from nft_table_name */
    const char *bridge;    /* the network's bridge */
    const char *subnet;    /* IPv4 network address, "192.168.122.0" */
    int prefix;            /* its prefix length */
    const char *subnet6;   /* IPv6 network address, or NULL */
    int prefix6;
    const char *dev;       /* <forward dev=>: the only uplink, or NULL */
    enum nft_mode mode;
    const struct nft_portfwd *fwds;  /* port forwards (borrowed), or NULL */
    size_t n_fwds;
};

/* "tcp" / "udp", and back (-1 for anything else). */
const char *nft_proto_to_str(enum nft_proto p);
int nft_proto_from_str(const char *s);

/* The table name for network name into out (size n): "luavirt_H_NAME",
 * H 8 hex digits of a hash of the state root (so that two state roots on
 * one host never share a table), NAME the network's name when it is made
 * of letters, digits, '_' and '-', else its uuid's hex digits. -1 with err
 * if it does not fit. */
int nft_table_name(const char *root, const char *name, const char *uuid_hex,
                   char *out, size_t n, struct lv_err *err);

/* The ruleset text for n (malloc'd): a fresh table with a forward chain
 * that accepts traffic from the subnet out of the bridge and to it (only
 * related/established for NAT, like libvirt), and for NAT a postrouting
 * chain that masquerades the subnet towards other networks, except
 * multicast and broadcast (libvirt's rules). Each port forward adds a DNAT
 * rule for packets to a local address of the host, in prerouting (from
 * outside) and output (from the host itself), and lets the new connection
 * through the forward chain. */
char *nft_ruleset(const struct nft_net *n);

/* Load the ruleset into the kernel with `nft -f PATH` after writing it to
 * path; nft's last stderr line is in the error. */
int nft_apply(const char *path, const char *ruleset, struct lv_err *err);

/* Delete table table (family ip and, if present, ip6); a missing table is
 * not an error. */
int nft_remove(const char *table, struct lv_err *err);

/* 1 if table exists (family ip), 0 if not, -1 with err. */
int nft_table_exists(const char *table, struct lv_err *err);

#endif
