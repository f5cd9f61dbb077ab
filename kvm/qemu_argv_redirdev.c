/* qemu_argv_redirdev.c - USB redirection for the QEMU argv: each
 * <redirdev bus='usb'> is a -chardev (spicevmc named "usbredir", or any
 * other character device backend such as tcp) and a usb-redir device on
 * the guest's USB bus, like libvirt's qemuBuildRedirdevCommandLine. */
#include <stdio.h>
#include <string.h>

#include "qemu_argv_priv.h"

static int
add_redirdev(struct qemu_argv_ctx *c, const struct dom_redirdev *r, size_t i)
{
    const struct dom_address *a = &r->chr.address;
    char id[32], what[48];
    json_t *dev;

    snprintf(id, sizeof(id), "charredir%zu", i);
    snprintf(what, sizeof(what), "redirdev %zu", i);
    if (r->bus && strcmp(r->bus, "usb")) {
        lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: unsupported bus '%s'", what, r->bus);
        return -1;
    }
    if (!c->usb_ok) {
        lv_err_set(c->err, LV_E_INVALID, "%s: needs a USB controller (the "
                   "domain has <controller type='usb' model='none'/>)", what);
        return -1;
    }
    if (a->type && strcmp(a->type, "usb")) {
        lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: unsupported address type '%s'",
                   what, a->type);
        return -1;
    }
    if (qemu_argv_chardev(c, &r->chr, id, "usbredir", what) < 0)
        return -1;
    dev = json_pack("{s:s, s:s, s:o}", "driver", "usb-redir", "chardev", id,
                    "id", r->chr.alias ? json_string(r->chr.alias) :
                    json_sprintf("redir%zu", i));
    if (a->type && lv_attrs_get(&a->attrs, "port")) {
        json_object_set_new(dev, "bus", json_sprintf("usb.%ld",
                            qemu_argv_addr_num(a, "bus", 0)));
        json_object_set_new(dev, "port", json_string(lv_attrs_get(&a->attrs, "port")));
    } else {
        json_object_set_new(dev, "bus", json_string("usb.0"));
        json_object_set_new(dev, "port", json_sprintf("%d", c->usb_port++));
    }
    if (r->boot_order > 0)
        json_object_set_new(dev, "bootindex", json_integer(r->boot_order));
    qemu_argv_add_json(c, "-device", dev);
    return 0;
}

int
qemu_argv_redirdevs(struct qemu_argv_ctx *c)
{
    for (size_t i = 0; i < c->def->n_redirdevs; i++)
        if (add_redirdev(c, &c->def->redirdevs[i], i) < 0)
            return -1;
    return 0;
}
