/* tap.c - guest NIC taps (see tap.h): TUNSETIFF on /dev/net/tun without
 * TUNSETPERSIST, so the tap lives exactly as long as its fds (QEMU's),
 * then MAC, MTU, master and link up through rtnl_link changes, as
 * libvirt's virNetDevTapCreateInBridgePort does it. */
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"
#include "mac.h"

int
tap_name_template(const char *wanted, char out[TAP_NAME_SIZE],
                  struct lv_err *err)
{
    size_t len;

    if (!wanted || !*wanted || strncmp(wanted, "vnet", 4) == 0) {
        snprintf(out, TAP_NAME_SIZE, "vnet%%d");
        return 0;
    }
    len = strlen(wanted);
    if (len >= TAP_NAME_SIZE) {
        lv_err_set(err, LV_E_INVALID, "interface name '%s': too long (%zu "
                   "bytes, at most %d)", wanted, len, TAP_NAME_SIZE - 1);
        return -1;
    }
    if (!strcmp(wanted, ".") || !strcmp(wanted, "..") ||
        strpbrk(wanted, "/:% \t\n")) {
        lv_err_set(err, LV_E_INVALID, "interface name '%s': not a valid "
                   "device name", wanted);
        return -1;
    }
    memcpy(out, wanted, len + 1);
    return 0;
}

int
tap_mac_derive(const char *guest_mac, char out[18], struct lv_err *err)
{
    char norm[18];

    if (!guest_mac || lv_mac_normalize(guest_mac, norm) < 0) {
        lv_err_set(err, LV_E_INVALID, "mac address '%s': not a unicast MAC "
                   "address (like 52:54:00:12:34:56)", guest_mac ? guest_mac : "");
        return -1;
    }
    memcpy(out, norm, sizeof(norm));
    out[0] = 'f';
    out[1] = strncmp(norm, "fe", 2) == 0 ? 'a' : 'e';
    return 0;
}

static struct nl_sock *
nl_open(const char *what, struct lv_err *err)
{
    struct nl_sock *sk = nl_socket_alloc();
    int r;

    if (!sk) {
        lv_err_set(err, LV_E_SYSTEM, "%s: cannot allocate a netlink socket", what);
        return NULL;
    }
    r = nl_connect(sk, NETLINK_ROUTE);
    if (r < 0) {
        lv_err_set(err, LV_E_SYSTEM, "%s: cannot connect to netlink: %s", what,
                   nl_geterror(r));
        nl_socket_free(sk);
        return NULL;
    }
    return sk;
}

/* The link called name, or NULL with err ("<kind> 'name': no such device"). */
static struct rtnl_link *
link_get(struct nl_sock *sk, const char *kind, const char *name,
         struct lv_err *err)
{
    struct rtnl_link *l = NULL;
    int r = rtnl_link_get_kernel(sk, 0, name, &l);

    if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV) {
        lv_err_set(err, LV_E_INVALID, "%s '%s': no such device", kind, name);
        return NULL;
    }
    if (r < 0) {
        lv_err_set(err, LV_E_SYSTEM, "%s '%s': cannot read the link: %s", kind,
                   name, nl_geterror(r));
        return NULL;
    }
    return l;
}

static struct rtnl_link *
bridge_get(struct nl_sock *sk, const char *bridge, struct lv_err *err)
{
    struct rtnl_link *l = link_get(sk, "bridge", bridge, err);
    const char *type;

    if (!l)
        return NULL;
    type = rtnl_link_get_type(l);
    if (!type || strcmp(type, "bridge") != 0) {
        lv_err_set(err, LV_E_INVALID, "bridge '%s': not a bridge (type '%s')",
                   bridge, type ? type : "none");
        rtnl_link_put(l);
        return NULL;
    }
    return l;
}

int
tap_bridge_check(const char *bridge, struct lv_err *err)
{
    struct nl_sock *sk = nl_open("bridge", err);
    struct rtnl_link *l;

    if (!sk)
        return -1;
    l = bridge_get(sk, bridge, err);
    if (l)
        rtnl_link_put(l);
    nl_socket_free(sk);
    return l ? 0 : -1;
}

/* Apply one change to link tap; what names the step for the message. */
static int
link_change(struct nl_sock *sk, struct rtnl_link *tap, struct rtnl_link *chg,
            const char *what, struct lv_err *err)
{
    int r = rtnl_link_change(sk, tap, chg, 0);

    if (r < 0) {
        lv_err_set(err, LV_E_SYSTEM, "tap '%s': cannot %s: %s",
                   rtnl_link_get_name(tap), what, nl_geterror(r));
        return -1;
    }
    return 0;
}

static int
set_mac_mtu(struct nl_sock *sk, struct rtnl_link *tap, const char *mac,
            unsigned mtu, struct lv_err *err)
{
    struct rtnl_link *chg = rtnl_link_alloc();
    struct nl_addr *a = NULL;
    char tmac[18];
    int ret = -1;

    if (mac) {
        if (tap_mac_derive(mac, tmac, err) < 0)
            goto out;
        if (nl_addr_parse(tmac, AF_LLC, &a) < 0) {
            lv_err_set(err, LV_E_INVALID, "mac address '%s': cannot parse", tmac);
            goto out;
        }
        rtnl_link_set_addr(chg, a);
    }
    if (mtu)
        rtnl_link_set_mtu(chg, mtu);
    ret = (mac || mtu) ? link_change(sk, tap, chg, "set its MAC address and "
                                     "MTU", err) : 0;
out:
    if (a)
        nl_addr_put(a);
    rtnl_link_put(chg);
    return ret;
}

/* MAC, MTU, master, up: the tap exists; the caller removes it on failure. */
static int
configure(const char *name, const struct tap_opts *o, struct lv_err *err)
{
    struct nl_sock *sk = nl_open("tap", err);
    struct rtnl_link *tap = NULL, *br = NULL, *chg = NULL;
    unsigned mtu = o->mtu > 0 ? (unsigned)o->mtu : 0;
    int r, ret = -1;

    if (!sk)
        return -1;
    if (!(tap = link_get(sk, "tap", name, err)))
        goto out;
    if (o->bridge && !(br = bridge_get(sk, o->bridge, err)))
        goto out;
    if (!mtu && br)
        mtu = rtnl_link_get_mtu(br);
    if (set_mac_mtu(sk, tap, o->mac, mtu, err) < 0)
        goto out;
    if (br) {
        r = rtnl_link_enslave_ifindex(sk, rtnl_link_get_ifindex(br),
                                      rtnl_link_get_ifindex(tap));
        if (r < 0) {
            lv_err_set(err, LV_E_SYSTEM, "tap '%s': cannot enslave to bridge "
                       "'%s': %s", name, o->bridge, nl_geterror(r));
            goto out;
        }
    }
    chg = rtnl_link_alloc();
    rtnl_link_set_flags(chg, IFF_UP);
    ret = link_change(sk, tap, chg, "set the link up", err);
out:
    if (chg)
        rtnl_link_put(chg);
    if (br)
        rtnl_link_put(br);
    if (tap)
        rtnl_link_put(tap);
    nl_socket_free(sk);
    return ret;
}

int
tap_create(const struct tap_opts *o, char name[TAP_NAME_SIZE],
           struct lv_err *err)
{
    struct ifreq ifr;
    char tmpl[TAP_NAME_SIZE];
    int fd;

    if (tap_name_template(o->name, tmpl, err) < 0)
        return -1;
    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        lv_err_sys(err, "tap '%s': cannot open /dev/net/tun", tmpl);
        return -1;
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    memcpy(ifr.ifr_name, tmpl, sizeof(tmpl));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        if (errno == EBUSY || errno == EINVAL)
            lv_err_sys(err, "tap '%s': cannot create: the name is in use", tmpl);
        else
            lv_err_sys(err, "tap '%s': cannot create", tmpl);
        close(fd);
        return -1;
    }
    snprintf(name, TAP_NAME_SIZE, "%s", ifr.ifr_name);
    if (configure(name, o, err) < 0) {
        close(fd);     /* not persistent: the tap goes with its fd */
        return -1;
    }
    lv_log_debug("tap %s: created (bridge %s)", name, o->bridge ? o->bridge : "none");
    return fd;
}

int
tap_stats_get(const char *name, struct tap_stats *st, struct lv_err *err)
{
    struct nl_sock *sk = nl_open("tap", err);
    struct rtnl_link *l;

    if (!sk)
        return -1;
    l = link_get(sk, "interface", name, err);
    if (l) {
        st->rx_bytes = rtnl_link_get_stat(l, RTNL_LINK_RX_BYTES);
        st->rx_packets = rtnl_link_get_stat(l, RTNL_LINK_RX_PACKETS);
        st->rx_errs = rtnl_link_get_stat(l, RTNL_LINK_RX_ERRORS);
        st->rx_drop = rtnl_link_get_stat(l, RTNL_LINK_RX_DROPPED);
        st->tx_bytes = rtnl_link_get_stat(l, RTNL_LINK_TX_BYTES);
        st->tx_packets = rtnl_link_get_stat(l, RTNL_LINK_TX_PACKETS);
        st->tx_errs = rtnl_link_get_stat(l, RTNL_LINK_TX_ERRORS);
        st->tx_drop = rtnl_link_get_stat(l, RTNL_LINK_TX_DROPPED);
        rtnl_link_put(l);
    }
    nl_socket_free(sk);
    return l ? 0 : -1;
}
