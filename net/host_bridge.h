/* host_bridge.h - a host bridge over a physical NIC, as an administrator
 * sets one up for guests on the LAN: the bridge takes the NIC's MAC, the
 * NIC becomes its port, and the NIC's addresses and routes (default route
 * included) move to the bridge, so the host stays reachable. Through
 * netlink (libnl-route-3), never `ip`. Every step is recorded: a failure at
 * any step undoes the ones before, leaving links, addresses and routes as
 * they were. Remove is the reverse, for a bridge made here (a record in
 * <run>/bridges/NAME names its NIC). Acts on the caller's network
 * namespace. */
#ifndef LV_HOST_BRIDGE_H
#define LV_HOST_BRIDGE_H

#include "conn.h"
#include "err.h"

struct host_bridge_opts {
    const char *name;      /* the bridge to make, e.g. br0 */
    const char *nic;       /* the NIC to put in it, e.g. enp4s0f0 */
    int stp;               /* spanning tree on */
    int delay;             /* forward delay, seconds (-1: the default, 0 when
                            * stp is off, as ifupdown's bridge_fd) */
};

/* Make the bridge. Errors (nothing changed): no such NIC, the NIC is a
 * bridge port already or is a bridge, the name is taken, an invalid name. */
int host_bridge_create(struct lv_conn *c, const struct host_bridge_opts *o,
                       struct lv_err *err);

/* Give the NIC its addresses and routes back and delete the bridge. A
 * bridge luavirt did not make is refused unless force (its one port is
 * then the NIC). */
int host_bridge_remove(struct lv_conn *c, const char *name, int force,
                       struct lv_err *err);

/* The bridges made here: names and NICs (malloc'd arrays of malloc'd
 * strings). */
int host_bridge_list(struct lv_conn *c, char ***names, char ***nics, size_t *n,
                     struct lv_err *err);

#endif
