/* tap.h - tap devices for guest NICs: made on /dev/net/tun (not
 * persistent, so a tap vanishes with the last fd, i.e. with QEMU), given
 * their MAC, MTU and link up and enslaved to a bridge through libnl-route-3.
 * Everything acts on the network namespace of the calling process. */
#ifndef LV_TAP_H
#define LV_TAP_H

#include <stdint.h>

#include "err.h"

#define TAP_NAME_SIZE 16   /* IFNAMSIZ */

struct tap_opts {
    const char *name;      /* wanted name; NULL, "" or a vnet... name: the
                            * first free vnetN (vnet names are luavirt's to
                            * choose, like libvirt's) */
    const char *mac;       /* the guest's MAC; the tap gets it with the
                            * first byte 0xfe (0xfa if it already is fe) */
    int mtu;               /* 0: the bridge's MTU (kernel default without) */
    const char *bridge;    /* enslave to this bridge; NULL: none */
};

/* Counters of a tap as the host sees them (rx: what the guest sent). */
struct tap_stats {
    uint64_t rx_bytes, rx_packets, rx_errs, rx_drop;
    uint64_t tx_bytes, tx_packets, tx_errs, tx_drop;
};

/* Create a tap (IFF_TAP|IFF_NO_PI|IFF_VNET_HDR), set it up as o says and
 * write its name into name. Returns the O_CLOEXEC fd that keeps it alive
 * (closing it removes the tap), or -1 with err ("tap 'vnet3': cannot
 * enslave to bridge 'br0': ..."); nothing is left behind on failure. */
int tap_create(const struct tap_opts *o, char name[TAP_NAME_SIZE],
               struct lv_err *err);

/* The TUNSETIFF name for a wanted name: "vnet%d" (the kernel picks the
 * first free index) for NULL, "" or a name starting with "vnet", else the
 * name itself after checking it is a valid interface name (LV_E_INVALID
 * "interface name 'x': ..."). Pure, for tests. */
int tap_name_template(const char *wanted, char out[TAP_NAME_SIZE],
                      struct lv_err *err);

/* The tap's MAC for a guest MAC (libvirt's rule, so the bridge never takes
 * the tap's address as its own): first byte 0xfe, or 0xfa when the guest's
 * is 0xfe. Returns 0, or -1 with LV_E_INVALID for a bad MAC. Pure. */
int tap_mac_derive(const char *guest_mac, char out[18], struct lv_err *err);

/* Check that bridge exists and is a bridge: LV_E_INVALID "bridge 'x': no
 * such device" / "bridge 'x': not a bridge (type 'veth')". */
int tap_bridge_check(const char *bridge, struct lv_err *err);

/* The kernel's counters of link name (netlink, so right in any netns). */
int tap_stats_get(const char *name, struct tap_stats *st, struct lv_err *err);

#endif
