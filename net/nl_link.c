/* nl_link.c - bridges, link state, addresses and route lookups with
 * libnl-route-3 (see nl_link.h). The bridge is created with one raw
 * RTM_NEWLINK so STP and the forward delay are set atomically (libnl has
 * no setters for IFLA_BR_*), instead of writing sysfs, which shows the
 * mount's namespace, not ours. */
#include "nl_link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "strbuf.h"

struct nl_sock *
nl_link_sock(struct lv_err *err)
{
    struct nl_sock *sk = nl_socket_alloc();
    int r;

    if (!sk) {
        lv_err_set(err, LV_E_SYSTEM, "netlink: cannot allocate a socket");
        return NULL;
    }
    r = nl_connect(sk, NETLINK_ROUTE);
    if (r < 0) {
        lv_err_set(err, LV_E_SYSTEM, "netlink: cannot connect: %s",
                   nl_geterror(r));
        nl_socket_free(sk);
        return NULL;
    }
    return sk;
}

static int
check_name(const char *name, struct lv_err *err)
{
    if (!name || !*name || strlen(name) >= IFNAMSIZ || strchr(name, '/') ||
        strchr(name, ' ')) {
        lv_err_set(err, LV_E_INVALID, "link '%s': invalid interface name",
                   name ? name : "");
        return -1;
    }
    return 0;
}

static int
put_mac(struct nl_msg *msg, const char *mac, struct lv_err *err)
{
    unsigned char b[6];

    if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &b[0], &b[1], &b[2],
               &b[3], &b[4], &b[5]) != 6) {
        lv_err_set(err, LV_E_INVALID, "bad MAC address '%s'", mac);
        return -1;
    }
    return nla_put(msg, IFLA_ADDRESS, 6, b) < 0 ? -1 : 0;
}

static struct nl_msg *
bridge_msg(const struct nl_link_bridge_opts *o, struct lv_err *err)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK,
        NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
    struct nlattr *info, *data;

    if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
        nla_put_string(msg, IFLA_IFNAME, o->name) < 0)
        goto fail;
    if (o->mac && put_mac(msg, o->mac, err) < 0) {
        nlmsg_free(msg);
        return NULL;
    }
    if (o->mtu > 0 && nla_put_u32(msg, IFLA_MTU, (uint32_t)o->mtu) < 0)
        goto fail;
    if (!(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
        nla_put_string(msg, IFLA_INFO_KIND, "bridge") < 0 ||
        !(data = nla_nest_start(msg, IFLA_INFO_DATA)) ||
        /* the kernel applies the delay before STP, so 0 s is accepted */
        nla_put_u32(msg, IFLA_BR_FORWARD_DELAY, (uint32_t)o->delay * 100) < 0 ||
        nla_put_u32(msg, IFLA_BR_STP_STATE, o->stp ? 1 : 0) < 0)
        goto fail;
    nla_nest_end(msg, data);
    nla_nest_end(msg, info);
    return msg;
fail:
    lv_err_set(err, LV_E_SYSTEM, "bridge '%s': cannot build netlink request",
               o->name);
    nlmsg_free(msg);
    return NULL;
}

int
nl_link_bridge_add(const struct nl_link_bridge_opts *o, struct lv_err *err)
{
    struct nl_sock *sk = NULL;
    struct nl_msg *msg = NULL;
    int r = -1, e;

    if (check_name(o->name, err) < 0)
        return -1;
    if (!(msg = bridge_msg(o, err)) || !(sk = nl_link_sock(err)))
        goto out;
    e = nl_send_sync(sk, msg);
    msg = NULL;                         /* nl_send_sync frees it */
    if (e == -NLE_EXIST) {
        lv_err_set(err, LV_E_EXISTS, "bridge '%s': name is already in use",
                   o->name);
        goto out;
    }
    if (e < 0) {
        lv_err_set(err, LV_E_SYSTEM, "bridge '%s': cannot create: %s",
                   o->name, nl_geterror(e));
        goto out;
    }
    r = 0;
out:
    nlmsg_free(msg);
    nl_socket_free(sk);
    return r;
}

struct rtnl_link *
nl_link_get(struct nl_sock *sk, const char *name, int *missing,
            struct lv_err *err)
{
    struct rtnl_link *link = NULL;
    int e = rtnl_link_get_kernel(sk, 0, name, &link);

    *missing = 0;
    if (e == -NLE_OBJ_NOTFOUND || e == -NLE_NODEV) {
        *missing = 1;
        return NULL;
    }
    if (e < 0) {
        lv_err_set(err, LV_E_SYSTEM, "link '%s': cannot look up: %s", name,
                   nl_geterror(e));
        return NULL;
    }
    return link;
}

int
nl_link_exists(const char *name, struct lv_err *err)
{
    struct nl_sock *sk;
    struct rtnl_link *link;
    int missing, r;

    if (check_name(name, NULL) < 0)
        return 0;
    if (!(sk = nl_link_sock(err)))
        return -1;
    link = nl_link_get(sk, name, &missing, err);
    r = link ? 1 : missing ? 0 : -1;
    rtnl_link_put(link);
    nl_socket_free(sk);
    return r;
}

int
nl_link_delete(const char *name, struct lv_err *err)
{
    struct nl_sock *sk = NULL;
    struct rtnl_link *link = NULL;
    int missing, r = -1, e;

    if (check_name(name, err) < 0 || !(sk = nl_link_sock(err)))
        goto out;
    if (!(link = nl_link_get(sk, name, &missing, err))) {
        r = missing ? 0 : -1;
        goto out;
    }
    e = rtnl_link_delete(sk, link);
    if (e < 0 && e != -NLE_NODEV && e != -NLE_OBJ_NOTFOUND) {
        lv_err_set(err, LV_E_SYSTEM, "link '%s': cannot delete: %s", name,
                   nl_geterror(e));
        goto out;
    }
    r = 0;
out:
    rtnl_link_put(link);
    nl_socket_free(sk);
    return r;
}

int
nl_link_set_up(const char *name, int up, struct lv_err *err)
{
    struct nl_sock *sk = NULL;
    struct rtnl_link *link = NULL, *change = NULL;
    int missing, r = -1, e;

    if (check_name(name, err) < 0 || !(sk = nl_link_sock(err)))
        goto out;
    if (!(link = nl_link_get(sk, name, &missing, err))) {
        if (missing)
            lv_err_set(err, LV_E_SYSTEM, "link '%s': no such device", name);
        goto out;
    }
    change = rtnl_link_alloc();
    if (up)
        rtnl_link_set_flags(change, IFF_UP);
    else
        rtnl_link_unset_flags(change, IFF_UP);
    e = rtnl_link_change(sk, link, change, 0);
    if (e < 0) {
        lv_err_set(err, LV_E_SYSTEM, "link '%s': cannot set %s: %s", name,
                   up ? "up" : "down", nl_geterror(e));
        goto out;
    }
    r = 0;
out:
    rtnl_link_put(change);
    rtnl_link_put(link);
    nl_socket_free(sk);
    return r;
}

/* addr/prefix as an nl_addr, or NULL with err. */
static struct nl_addr *
addr_parse(int family, const char *addr, int prefix, struct lv_err *err)
{
    unsigned char buf[16];
    int len = family == AF_INET6 ? 16 : 4;
    struct nl_addr *a;

    if (inet_pton(family, addr, buf) != 1 || prefix < 0 || prefix > len * 8) {
        lv_err_set(err, LV_E_INVALID, "address '%s/%d': not a valid %s address",
                   addr, prefix, family == AF_INET6 ? "IPv6" : "IPv4");
        return NULL;
    }
    a = nl_addr_build(family, buf, (size_t)len);
    nl_addr_set_prefixlen(a, prefix);
    return a;
}

static struct nl_addr *
broadcast_of(const char *addr, int prefix)
{
    struct in_addr in;
    uint32_t mask = prefix == 0 ? 0 : htonl(~0u << (32 - prefix));

    inet_pton(AF_INET, addr, &in);
    in.s_addr |= ~mask;
    return nl_addr_build(AF_INET, &in, 4);
}

int
nl_link_addr_add(const char *name, int family, const char *addr, int prefix,
                 struct lv_err *err)
{
    struct nl_sock *sk = NULL;
    struct rtnl_addr *ra = NULL;
    struct nl_addr *local = NULL, *bcast = NULL;
    int ifindex, r = -1, e;

    if (!(local = addr_parse(family, addr, prefix, err)) ||
        !(sk = nl_link_sock(err)))
        goto out;
    ifindex = (int)if_nametoindex(name);
    if (ifindex == 0) {
        lv_err_sys(err, "link '%s': cannot find", name);
        goto out;
    }
    ra = rtnl_addr_alloc();
    rtnl_addr_set_ifindex(ra, ifindex);
    rtnl_addr_set_family(ra, family);
    rtnl_addr_set_local(ra, local);
    rtnl_addr_set_prefixlen(ra, prefix);
    if (family == AF_INET && prefix < 31) {
        bcast = broadcast_of(addr, prefix);
        rtnl_addr_set_broadcast(ra, bcast);
    }
    e = rtnl_addr_add(sk, ra, 0);
    if (e < 0) {
        lv_err_set(err, LV_E_SYSTEM, "link '%s': cannot add address %s/%d: %s",
                   name, addr, prefix, nl_geterror(e));
        goto out;
    }
    r = 0;
out:
    nl_addr_put(bcast);
    nl_addr_put(local);
    rtnl_addr_put(ra);
    nl_socket_free(sk);
    return r;
}

/* Compare the first bits bits of a and b. */
static int
prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
    int full = bits / 8, rest = bits % 8;

    if (memcmp(a, b, (size_t)full) != 0)
        return 0;
    if (rest == 0)
        return 1;
    return ((a[full] ^ b[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

int
nl_link_subnets_overlap(int family, const char *a, int pa, const char *b,
                        int pb)
{
    unsigned char x[16], y[16];

    if (inet_pton(family, a, x) != 1 || inet_pton(family, b, y) != 1)
        return -1;
    return prefix_equal(x, y, pa < pb ? pa : pb);
}

struct route_scan {
    const unsigned char *net;
    int prefix;
    int family;
    int skip_ifindex;
    int hit_ifindex;
    int hit;
};

static void
route_check(struct nl_object *obj, void *arg)
{
    struct rtnl_route *rt = (struct rtnl_route *)obj;
    struct route_scan *s = arg;
    struct nl_addr *dst = rtnl_route_get_dst(rt);
    struct rtnl_nexthop *nh;
    int plen, ifindex = 0;

    if (s->hit || !dst || rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
        rtnl_route_get_family(rt) != (uint8_t)s->family)
        return;
    plen = (int)nl_addr_get_prefixlen(dst);
    if (plen == 0 || nl_addr_get_len(dst) == 0)
        return;
    if (rtnl_route_get_nnexthops(rt) > 0 &&
        (nh = rtnl_route_nexthop_n(rt, 0)))
        ifindex = rtnl_route_nh_get_ifindex(nh);
    if (s->skip_ifindex && ifindex == s->skip_ifindex)
        return;
    if (prefix_equal(nl_addr_get_binary_addr(dst), s->net,
                     plen < s->prefix ? plen : s->prefix)) {
        s->hit = 1;
        s->hit_ifindex = ifindex;
    }
}

int
nl_link_route_overlap(int family, const char *addr, int prefix,
                      const char *skip_dev, char *dev, size_t n,
                      struct lv_err *err)
{
    unsigned char net[16];
    struct nl_sock *sk = NULL;
    struct nl_cache *cache = NULL;
    struct route_scan s = { .net = net, .prefix = prefix, .family = family };
    char name[IF_NAMESIZE] = "?";
    int r = -1, e;

    if (inet_pton(family, addr, net) != 1) {
        lv_err_set(err, LV_E_INVALID, "address '%s': not a valid address",
                   addr);
        return -1;
    }
    if (skip_dev)
        s.skip_ifindex = (int)if_nametoindex(skip_dev);
    if (!(sk = nl_link_sock(err)))
        goto out;
    e = rtnl_route_alloc_cache(sk, family, 0, &cache);
    if (e < 0) {
        lv_err_set(err, LV_E_SYSTEM, "netlink: cannot read routes: %s",
                   nl_geterror(e));
        goto out;
    }
    nl_cache_foreach(cache, route_check, &s);
    if (s.hit && dev && n > 0) {
        if (!s.hit_ifindex || !if_indextoname((unsigned)s.hit_ifindex, name))
            snprintf(name, sizeof(name), "?");
        snprintf(dev, n, "%s", name);
    }
    r = s.hit;
out:
    nl_cache_free(cache);
    nl_socket_free(sk);
    return r;
}
