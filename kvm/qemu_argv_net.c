/* qemu_argv_net.c - network interfaces for the QEMU argv: one -netdev
 * (user, tap by fd, socket) and one -device per <interface>, with ids
 * hostnetN/netN like libvirt. Taps are made by net/ and passed as fds. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "qemu_argv_priv.h"

/* <model type=...> -> QEMU device; unknown names pass through like in
 * libvirt, after a character check. */
static const char *
nic_driver(const char *model, struct lv_err *err, const char *what)
{
    static const char *const map[][2] = {
        { "virtio", "virtio-net-pci" }, { "e1000", "e1000" },
        { "e1000e", "e1000e" }, { "rtl8139", "rtl8139" },
        { "vmxnet3", "vmxnet3" }, { "ne2k_pci", "ne2k_pci" },
        { "pcnet", "pcnet" }, { "usb-net", "usb-net" },
        { "virtio-transitional", "virtio-net-pci-transitional" },
        { "virtio-non-transitional", "virtio-net-pci-non-transitional" },
    };

    if (!model)
        return "rtl8139";
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcasecmp(model, map[i][0]))
            return map[i][1];
    for (const char *p = model; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-') {
            lv_err_set(err, LV_E_INVALID, "%s: invalid model '%s'", what, model);
            return NULL;
        }
    return model;
}

/* "addr:port" of a socket backend's <source address= port=> */
static int
socket_endpoint(const struct dom_interface *n, const char *what, char *buf,
                size_t sz, struct lv_err *err)
{
    const char *a = lv_attrs_get(&n->source_attrs, "address");
    const char *p = lv_attrs_get(&n->source_attrs, "port");

    if (!p) {
        lv_err_set(err, LV_E_INVALID, "%s: <source port=> is missing", what);
        return -1;
    }
    if ((size_t)snprintf(buf, sz, "%s:%s", a ? a : "", p) >= sz) {
        lv_err_set(err, LV_E_INVALID, "%s: source address too long", what);
        return -1;
    }
    return 0;
}

static json_t *
tap_netdev(struct qemu_argv_ctx *c, size_t i, const char *what)
{
    const struct qemu_argv_opts *o = c->o;

    if (o->for_display)
        return json_pack("{s:s, s:s}", "type", "tap", "fd", "-1");
    if (!o->tap_fds || o->tap_fds[i] < 0) {
        if (c->def->interfaces[i].type == DOM_NET_ETHERNET)
            lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: type='ethernet' needs a tap "
                       "made by the caller (not available yet)", what);
        else
            lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: network interfaces need "
                       "the network driver (not available yet)", what);
        return NULL;
    }
    return json_pack("{s:s, s:o}", "type", "tap", "fd",
                     json_sprintf("%d", o->tap_fds[i]));
}

static json_t *
netdev_for(struct qemu_argv_ctx *c, size_t i, const char *what)
{
    const struct dom_interface *n = &c->def->interfaces[i];
    char ep[300];
    static const char *const sock_key[] = {
        [DOM_NET_MCAST] = "mcast", [DOM_NET_CLIENT] = "connect",
        [DOM_NET_SERVER] = "listen", [DOM_NET_UDP] = "udp",
    };

    switch (n->type) {
    case DOM_NET_USER:
        return json_pack("{s:s}", "type", "user");
    case DOM_NET_NETWORK:
    case DOM_NET_BRIDGE:
    case DOM_NET_ETHERNET:
        return tap_netdev(c, i, what);
    case DOM_NET_MCAST:
    case DOM_NET_CLIENT:
    case DOM_NET_SERVER:
    case DOM_NET_UDP:
        if (socket_endpoint(n, what, ep, sizeof(ep), c->err) < 0)
            return NULL;
        return json_pack("{s:s, s:s}", "type", "socket", sock_key[n->type], ep);
    default:
        lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: unsupported interface type '%s'",
                   what, dom_net_type_to_str(n->type));
        return NULL;
    }
}

static int
add_interface(struct qemu_argv_ctx *c, size_t i)
{
    const struct dom_interface *n = &c->def->interfaces[i];
    const char *drv;
    char what[64];
    int boot = qemu_argv_net_bootindex(c, i);
    json_t *nd, *dev;

    snprintf(what, sizeof(what), "interface '%s'", n->mac ? n->mac : "?");
    if (!(drv = nic_driver(n->model, c->err, what)) ||
        !(nd = netdev_for(c, i, what)))
        return -1;
    json_object_set_new(nd, "id", json_sprintf("hostnet%zu", i));
    dev = json_pack("{s:s, s:o, s:o}", "driver", drv, "netdev",
                    json_sprintf("hostnet%zu", i), "id",
                    n->alias ? json_string(n->alias) : json_sprintf("net%zu", i));
    if (n->mac)
        json_object_set_new(dev, "mac", json_string(n->mac));
    if (boot > 0)
        json_object_set_new(dev, "bootindex", json_integer(boot));
    if (n->mtu > 0 && !strcmp(drv, "virtio-net-pci"))
        json_object_set_new(dev, "host_mtu", json_integer(n->mtu));
    if (!strcmp(drv, "usb-net")) {
        json_object_set_new(dev, "bus", json_string("usb.0"));
        json_object_set_new(dev, "port", json_sprintf("%d", c->usb_port++));
    } else if (qemu_argv_pci_place(c, &n->address, dev, what) < 0) {
        json_decref(nd);
        json_decref(dev);
        return -1;
    }
    qemu_argv_add_json(c, "-netdev", nd);
    qemu_argv_add_json(c, "-device", dev);
    return 0;
}

int
qemu_argv_nets(struct qemu_argv_ctx *c)
{
    for (size_t i = 0; i < c->def->n_interfaces; i++)
        if (add_interface(c, i) < 0)
            return -1;
    return 0;
}
