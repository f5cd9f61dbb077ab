/* net_portfwd.h - port forwarding to guests of a nat or route network:
 * "host port P (tcp|udp) on any local address goes to GUEST_IP:GPORT".
 * libvirt has no such call for networks; luavirt keeps the forwards as DNAT
 * rules in the network's own nftables table. The live forwards are in
 * <run>/network/NAME/portfwd (gone with the network); the persistent ones in
 * <lib>/network/NAME.portfwd, tagged with the network's uuid, and loaded
 * again by every net-start. */
#ifndef LV_NET_PORTFWD_H
#define LV_NET_PORTFWD_H

#include <stddef.h>

#include "conn.h"
#include "err.h"
#include "net_def.h"
#include "nft.h"

/* Add port forward f to network name. flags: NET_UPDATE_LIVE and/or
 * NET_UPDATE_CONFIG (net_run.h); neither means live. Refused, with nothing
 * changed: LV_E_NO_NETWORK; LV_E_STATE for live on an inactive network or
 * config on a transient one; LV_E_INVALID when the network does not
 * forward (isolated, bridge) or guest_ip is not a host address of its IPv4
 * subnet; LV_E_EXISTS when the host port is forwarded already (by this or
 * another active network); LV_E_BUSY when a host socket has the port. */
int net_portfwd_add(const struct lv_conn *c, const char *name,
                    const struct nft_portfwd *f, unsigned flags,
                    struct lv_err *err);

/* Remove the forward of f->proto/f->host_port (and, when set, f->guest_ip
 * non-empty and f->guest_port > 0 must match too); flags as for add.
 * LV_E_INVALID when no forward matches; nothing changed on failure. */
int net_portfwd_remove(const struct lv_conn *c, const char *name,
                       const struct nft_portfwd *f, unsigned flags,
                       struct lv_err *err);

/* The forwards of name: live ones when active and !config, else the
 * persistent ones. *out (malloc'd, NULL when *n is 0) is the caller's. */
int net_portfwd_list(const struct lv_conn *c, const char *name, int config,
                     struct nft_portfwd **out, size_t *n, struct lv_err *err);

/* For net-start of def: its persistent forwards that still fit def (others
 * are skipped with a warning), written as the live ones. *out as for
 * net_portfwd_list. -1 with err when the live file cannot be written. */
int net_portfwd_restore(const struct lv_conn *c, const struct net_def *def,
                        struct nft_portfwd **out, size_t *n,
                        struct lv_err *err);

/* The forwards file text: a comment, "uuid HEX", one "PROTO HOSTPORT
 * GUESTIP GUESTPORT" line each (malloc'd). */
char *net_portfwd_format(const struct nft_portfwd *f, size_t n,
                         const char *uuid_hex);
/* Parse that text; *uuid_hex (33 bytes) gets the uuid, "" when none.
 * -1 with LV_E_INVALID naming the bad line. */
int net_portfwd_parse(const char *text, char uuid_hex[33],
                      struct nft_portfwd **out, size_t *n,
                      struct lv_err *err);

#endif
