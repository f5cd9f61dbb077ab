/* dom_net.h - a guest's network interfaces: taps for its NICs at start,
 * NIC hotplug and link state over QMP (virsh attach-interface,
 * detach-interface, domif-setlink), and the listings domiflist, domifstat
 * and domifaddr. Taps come from net/tap.h, bridges of virtual networks
 * from net/net.h. */
#ifndef LV_DOM_NET_H
#define LV_DOM_NET_H

#include <stddef.h>

#include "conn.h"
#include "dom_def.h"
#include "err.h"
#include "net/net.h"
#include "net/tap.h"

/* virsh's --live / --config; neither means "current" (live if the guest
 * runs, else config), both changes the two at once. */
enum { DOM_NET_F_LIVE = 1 << 0, DOM_NET_F_CONFIG = 1 << 1 };

/* ---- at start ---- */

/* For each <interface> of type network, bridge or ethernet: resolve its
 * bridge, create its tap (named after <target dev> or the first free
 * vnetN) and record the tap name in def's target_dev and a device alias
 * netN where none is set, so the live XML shows them. *fds gets one fd per
 * interface (-1 where none; NULL with no interfaces), to pass as
 * qemu_argv_opts.tap_fds and close with dom_net_close_fds() once QEMU has
 * them. Returns 0, or -1 with err and every tap made so far removed. */
int dom_net_prepare(const struct lv_conn *c, struct dom_def *def, int **fds,
                    struct lv_err *err);
/* The tap of one NIC of type network, bridge or ethernet, on its bridge;
 * sets nic->target_dev to the tap's name. Returns the tap's fd (the tap
 * lives as long as it or a copy is open), or -1 with err. */
int dom_net_tap(const struct lv_conn *c, struct dom_interface *nic,
                struct lv_err *err);
/* Close the fds (the taps vanish unless QEMU holds them) and free fds. */
void dom_net_close_fds(int *fds, size_t n);
/* Copy the fds that are >= 0 into out (room for n); returns how many. */
size_t dom_net_fds_collect(const int *fds, size_t n, int *out);

/* ---- reading a definition (pure) ---- */

/* One line of domiflist: virsh's columns; "-" where absent. */
struct dom_net_row {
    char *iface, *type, *source, *model, *mac, *link;
};
/* Rows for every interface of def (caller frees with dom_net_rows_free). */
void dom_net_rows(const struct dom_def *def, struct dom_net_row **rows,
                  size_t *n);
void dom_net_rows_free(struct dom_net_row *rows, size_t n);

/* Index of the interface whose MAC (any case) or target dev is key, or -1
 * with LV_E_INVALID "domain 'x': interface (mac: ...) not found" (or
 * "(dev: ...)"), or "... matches 2 interfaces". */
int dom_net_find(const struct dom_def *def, const char *key,
                 struct lv_err *err);

/* One address of domifaddr. */
struct dom_net_addr {
    char name[TAP_NAME_SIZE];  /* target dev, "-" if none */
    char mac[18];
    int family;                /* AF_INET, AF_INET6 */
    char ip[46];
    int prefix;
};
/* Append to *out (size *n) an address for each lease whose MAC is nic's. */
void dom_net_match_leases(const struct dom_interface *nic,
                          const struct net_dhcp_lease *leases, size_t n_leases,
                          struct dom_net_addr **out, size_t *n);

/* ---- on a guest ---- */

/* What attach-interface adds (strings borrowed). */
struct dom_net_spec {
    const char *type;      /* network, bridge, ethernet, user, ... */
    const char *source;    /* network or bridge name */
    const char *model;     /* NULL: rtl8139, QEMU's default, like libvirt */
    const char *mac;       /* NULL: a new 52:54:00:xx:xx:xx */
    const char *target;    /* tap name; NULL: vnetN */
    const char *link;      /* "up", "down"; NULL: up */
    int mtu;               /* 0: the bridge's */
    unsigned flags;        /* DOM_NET_F_* */
};

/* Attach a NIC (virsh attach-interface). Live: a tap passed to QEMU with
 * getfd, netdev_add and device_add, recorded in the live XML; config: the
 * persistent definition. A MAC used by another NIC is LV_E_EXISTS. The
 * MAC used is written to mac_out (may be NULL). On failure the guest is as
 * it was. */
int dom_net_attach(struct lv_conn *c, const char *name,
                   const struct dom_net_spec *spec, char mac_out[18],
                   struct lv_err *err);

/* Detach the NIC of type (NULL: any) and mac (NULL: the only one of that
 * type): device_del, waiting for QEMU's DEVICE_DELETED (the guest must
 * release it), then netdev_del, which removes the tap. */
int dom_net_detach(struct lv_conn *c, const char *name, const char *type,
                   const char *mac, unsigned flags, struct lv_err *err);

/* domif-setlink: key is a MAC or target dev; up 1/0. Live: QMP set_link;
 * both record <link state=>. */
int dom_net_set_link(struct lv_conn *c, const char *name, const char *key,
                     int up, unsigned flags, struct lv_err *err);

/* domifstat: the counters of the NIC key (MAC or target dev) of a running
 * guest, from the guest's view like libvirt (the tap's rx is the guest's
 * tx). */
int dom_net_stats(struct lv_conn *c, const char *name, const char *key,
                  struct tap_stats *st, struct lv_err *err);

/* domifaddr --source lease: the addresses the guest's networks' DHCP
 * servers leased to its NICs. Caller frees *out. */
int dom_net_addresses(struct lv_conn *c, const char *name,
                      struct dom_net_addr **out, size_t *n,
                      struct lv_err *err);

#endif
