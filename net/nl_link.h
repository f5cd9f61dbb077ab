/* nl_link.h - links, addresses and routes through netlink (libnl-route-3):
 * create and delete bridges, set them up, add addresses, look for routes
 * that overlap a subnet. Never runs `ip` or `brctl`. Everything acts on the
 * network namespace of the calling process. */
#ifndef LV_NL_LINK_H
#define LV_NL_LINK_H

#include <stddef.h>

#include "err.h"

struct nl_sock;
struct rtnl_link;

/* A connected NETLINK_ROUTE socket (nl_socket_free it), or NULL + err. */
struct nl_sock *nl_link_sock(struct lv_err *err);
/* The kernel's link name (rtnl_link_put it), or NULL: *missing set when
 * there is none, else err. */
struct rtnl_link *nl_link_get(struct nl_sock *sk, const char *name, int *missing,
                              struct lv_err *err);

struct nl_link_bridge_opts {
    const char *name;      /* required, < IFNAMSIZ */
    const char *mac;       /* "52:54:00:.."; NULL: kernel's choice */
    int mtu;               /* 0: default */
    int stp;               /* 1: spanning tree on */
    int delay;             /* forward delay in seconds */
};

/* Create a bridge (down). LV_E_EXISTS "bridge 'x': name is already in use"
 * when a link of that name exists; nothing is created on failure. */
int nl_link_bridge_add(const struct nl_link_bridge_opts *o, struct lv_err *err);

/* Delete the link name; a missing link is not an error. */
int nl_link_delete(const char *name, struct lv_err *err);

/* Set link name up (1) or down (0). */
int nl_link_set_up(const char *name, int up, struct lv_err *err);

/* 1 if a link called name exists, 0 if not, -1 with err on failure. */
int nl_link_exists(const char *name, struct lv_err *err);

/* Add addr/prefix (family AF_INET or AF_INET6, addr in text form) to link
 * name; IPv4 gets the subnet's broadcast address, like libvirt. */
int nl_link_addr_add(const char *name, int family, const char *addr,
                     int prefix, struct lv_err *err);

/* Is there a route in the main table (other than a default route, and
 * other than one through link skip_dev, which may be NULL) that overlaps
 * addr/prefix? 1 (its device name in dev, size n), 0 no, -1 on failure. */
int nl_link_route_overlap(int family, const char *addr, int prefix,
                          const char *skip_dev, char *dev, size_t n,
                          struct lv_err *err);

/* Do a/pa and b/pb (same family, text form) overlap? 1/0, -1 if either
 * address does not parse. Pure logic, for tests. */
int nl_link_subnets_overlap(int family, const char *a, int pa, const char *b,
                            int pb);

#endif
