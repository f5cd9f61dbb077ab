/* dom_xml_format_devices.c - the <devices> element of libvirt domain XML:
 * one format function per device class. Kept elements are appended and
 * then the children are put in libvirt's order (fx_order), so a kept
 * <backingStore> lands after <source> as libvirt writes it. */
#include "dom_xml_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom_xml.h"

static const char *const devices_order[] = {
    "emulator", "disk", "controller", "lease", "filesystem", "interface",
    "smartcard", "serial", "parallel", "console", "channel", "input", "tpm",
    "graphics", "sound", "audio", "video", "hostdev", "redirdev",
    "redirfilter", "hub", "watchdog", "memballoon", "rng", "nvram", "panic",
    "shmem", "memory", "iommu", "vsock", "crypto", "pstore", NULL
};
static const char *const disk_order[] = {
    "driver", "auth", "source", "backingStore", "mirror", "geometry",
    "blockio", "target", "iotune", "throttlefilters", "readonly",
    "shareable", "transient", "serial", "wwn", "vendor", "product",
    "encryption", "boot", "alias", "address", NULL
};
static const char *const iface_order[] = {
    "mac", "source", "vlan", "virtualport", "bandwidth", "port", "ip",
    "route", "portForward", "script", "downscript", "backenddomain",
    "target", "guest", "model", "driver", "backend", "filterref", "tune",
    "teaming", "link", "mtu", "coalesce", "boot", "rom", "acpi", "alias",
    "address", NULL
};
static const char *const chr_order[] = {
    "source", "protocol", "log", "target", "alias", "address", NULL
};
static const char *const dev_tail_order[] = {
    "model", "driver", "target", "codec", "audio", "rate", "backend",
    "stats", "alias", "address", NULL
};
static const char *const graphics_order[] = {
    "listen", "channel", "image", "jpeg", "zlib", "playback", "streaming",
    "clipboard", "mouse", "filetransfer", "gl", "audio", NULL
};

static const char *const ram_only[] = { "ram", NULL };
/* <driver> attributes libvirt writes before queues= */
static const char *const drv_first[] = {
    "txmode", "ioeventfd", "event_idx", NULL
};

static xmlNode *
opt_text(xmlNode *parent, const char *name, const char *text)
{
    return text ? fx_text(parent, name, text) : NULL;
}

static void
format_boot(xmlNode *n, int order)
{
    if (order > 0)
        fx_attrf(fx_elem(n, "boot"), "order", "%d", order);
}

/* ---- disk ---- */

static void
format_disk_source(xmlNode *n, const struct dom_disk *d, struct lv_err *err,
                   int *rc)
{
    xmlNode *s;

    if (!d->source && !d->source_pool && !d->source_volume &&
        !d->source_attrs.n && !d->source_keep.n && !d->n_hosts)
        return;
    s = fx_elem(n, "source");
    if (d->type == DOM_DISK_VOLUME) {
        fx_attr(s, "pool", d->source_pool);
        fx_attr(s, "volume", d->source_volume);
    } else {
        fx_attr(s, d->type == DOM_DISK_BLOCK ? "dev"
                : d->type == DOM_DISK_DIR ? "dir" : "file", d->source);
    }
    fx_attrs(s, &d->source_attrs);
    fx_source_hosts(s, d->hosts, d->n_hosts);
    if (fx_keep(s, &d->source_keep, err) < 0)
        *rc = -1;
}

static int
format_disk(xmlNode *parent, const struct dom_disk *d, struct lv_err *err)
{
    xmlNode *n = fx_elem(parent, "disk"), *t;
    int rc = 0;

    fx_attr(n, "type", dom_disk_type_to_str(d->type));
    fx_attr(n, "device", dom_disk_device_to_str(d->device));
    fx_attrs(n, &d->attrs);
    if (d->driver_name || d->driver_type || d->driver_cache ||
        d->driver_io || d->driver_discard || d->driver_attrs.n) {
        t = fx_elem(n, "driver");
        fx_attr(t, "name", d->driver_name);
        fx_attr(t, "type", d->driver_type);
        fx_attr(t, "cache", d->driver_cache);
        fx_attr(t, "io", d->driver_io);
        fx_attr(t, "discard", d->driver_discard);
        fx_attrs(t, &d->driver_attrs);
    }
    format_disk_source(n, d, err, &rc);
    if (fx_backing_store(n, d, err) < 0)
        rc = -1;
    t = fx_elem(n, "target");
    fx_attr(t, "dev", d->target_dev);
    fx_attr(t, "bus", d->target_bus);
    fx_attr(t, "tray", d->target_tray);
    fx_attrs(t, &d->target_attrs);
    if (d->readonly)
        fx_elem(n, "readonly");
    if (d->shareable)
        fx_elem(n, "shareable");
    if (d->transient)
        fx_elem(n, "transient");
    opt_text(n, "serial", d->serial);
    opt_text(n, "wwn", d->wwn);
    format_boot(n, d->boot_order);
    fx_alias(n, d->alias);
    fx_address(n, &d->address);
    if (rc < 0 || fx_keep(n, &d->keep, err) < 0)
        return -1;
    fx_order(n, disk_order);
    return 0;
}

/* ---- controller ---- */

static int
format_controller(xmlNode *parent, const struct dom_controller *x,
                  struct lv_err *err)
{
    xmlNode *n = fx_elem(parent, "controller");

    fx_attr(n, "type", x->type);
    if (x->index >= 0)
        fx_attrf(n, "index", "%d", x->index);
    fx_attr(n, "model", x->model);
    fx_attrs(n, &x->attrs);
    fx_alias(n, x->alias);
    fx_address(n, &x->address);
    if (fx_keep(n, &x->keep, err) < 0)
        return -1;
    fx_order(n, dev_tail_order);
    return 0;
}

/* ---- interface ---- */

static int
format_iface_source(xmlNode *n, const struct dom_interface *x,
                    struct lv_err *err)
{
    const char *key = x->type == DOM_NET_NETWORK ? "network"
        : x->type == DOM_NET_BRIDGE ? "bridge"
        : x->type == DOM_NET_DIRECT ? "dev" : NULL;
    xmlNode *s;

    if (!x->source && !x->source_mode && !x->source_attrs.n &&
        !x->source_keep.n)
        return 0;
    s = fx_elem(n, "source");
    if (key)
        fx_attr(s, key, x->source);
    fx_attr(s, "mode", x->source_mode);
    fx_attrs(s, &x->source_attrs);
    return fx_keep(s, &x->source_keep, err);
}

static int
format_iface_driver(xmlNode *n, const struct dom_interface *x,
                    struct lv_err *err)
{
    xmlNode *d;

    if (!x->driver_name && !x->driver_queues && !x->driver_attrs.n &&
        !x->driver_keep.n)
        return 0;
    d = fx_elem(n, "driver");
    fx_attr(d, "name", x->driver_name);
    fx_attrs_sel(d, &x->driver_attrs, drv_first, 1);
    if (x->driver_queues)
        fx_attrf(d, "queues", "%d", x->driver_queues);
    fx_attrs_sel(d, &x->driver_attrs, drv_first, 0);
    return fx_keep(d, &x->driver_keep, err);
}

static int
format_interface(xmlNode *parent, const struct dom_interface *x,
                 struct lv_err *err)
{
    xmlNode *n = fx_elem(parent, "interface"), *t;

    fx_attr(n, "type", dom_net_type_to_str(x->type));
    fx_attrs(n, &x->attrs);
    if (x->mac)
        fx_attr(fx_elem(n, "mac"), "address", x->mac);
    if (format_iface_source(n, x, err) < 0)
        return -1;
    if (x->target_dev || x->target_managed) {
        t = fx_elem(n, "target");
        fx_attr(t, "dev", x->target_dev);
        fx_attr(t, "managed", x->target_managed);
    }
    if (x->model)
        fx_attr(fx_elem(n, "model"), "type", x->model);
    if (format_iface_driver(n, x, err) < 0)
        return -1;
    if (x->link_state)
        fx_attr(fx_elem(n, "link"), "state", x->link_state);
    if (x->mtu)
        fx_attrf(fx_elem(n, "mtu"), "size", "%d", x->mtu);
    format_boot(n, x->boot_order);
    fx_alias(n, x->alias);
    fx_address(n, &x->address);
    if (fx_keep(n, &x->keep, err) < 0)
        return -1;
    fx_order(n, iface_order);
    return 0;
}

/* ---- character devices ---- */

static void
format_chr_source_children(xmlNode *t, const struct dom_chr *x)
{
    xmlNode *r;

    if (x->reconnect != LV_TRI_ABSENT || x->reconnect_timeout >= 0) {
        r = fx_elem(t, "reconnect");
        fx_tri(r, "enabled", x->reconnect, 1);
        if (x->reconnect_timeout >= 0)
            fx_attrf(r, "timeout", "%d", x->reconnect_timeout);
    }
    if (x->clipboard != LV_TRI_ABSENT)
        fx_tri(fx_elem(t, "clipboard"), "copypaste", x->clipboard, 1);
    if (x->mouse_mode)
        fx_attr(fx_elem(t, "mouse"), "mode", x->mouse_mode);
}

/* Everything of a character device below its element: <source>s,
 * <protocol>, <log>, <target>, <alias>, <address>, kept elements. */
static int
format_chr_body(xmlNode *n, const struct dom_chr *x, struct lv_err *err)
{
    xmlNode *t;

    if (x->source_path || x->source_mode || x->source_host ||
        x->source_service || x->source_attrs.n || x->source_keep.n ||
        x->reconnect || x->reconnect_timeout >= 0 || x->clipboard ||
        x->mouse_mode) {
        t = fx_elem(n, "source");
        fx_attr(t, "mode", x->source_mode);
        fx_attr(t, "path", x->source_path);
        fx_attr(t, "host", x->source_host);
        fx_attr(t, "service", x->source_service);
        fx_attrs(t, &x->source_attrs);
        format_chr_source_children(t, x);
        if (fx_keep(t, &x->source_keep, err) < 0)
            return -1;
    }
    if (x->source2_mode || x->source2_host || x->source2_service) {
        t = fx_elem(n, "source");
        fx_attr(t, "mode", x->source2_mode);
        fx_attr(t, "host", x->source2_host);
        fx_attr(t, "service", x->source2_service);
    }
    if (x->protocol)
        fx_attr(fx_elem(n, "protocol"), "type", x->protocol);
    if (x->log_file || x->log_append) {
        t = fx_elem(n, "log");
        fx_attr(t, "file", x->log_file);
        fx_attr(t, "append", x->log_append);
    }
    if (x->target_type || x->target_name || x->target_port >= 0 ||
        x->target_model || x->target_attrs.n) {
        t = fx_elem(n, "target");
        fx_attr(t, "type", x->target_type);
        fx_attr(t, "name", x->target_name);
        fx_attrs(t, &x->target_attrs);
        if (x->target_port >= 0)
            fx_attrf(t, "port", "%d", x->target_port);
        if (x->target_model)
            fx_attr(fx_elem(t, "model"), "name", x->target_model);
    }
    fx_alias(n, x->alias);
    fx_address(n, &x->address);
    return fx_keep(n, &x->keep, err);
}

static int
format_chr(xmlNode *parent, const struct dom_chr *x, struct lv_err *err)
{
    xmlNode *n = fx_elem(parent, dom_chr_kind_to_str(x->kind));

    fx_attr(n, "type", x->type);
    if (format_chr_body(n, x, err) < 0)
        return -1;
    fx_order(n, chr_order);
    return 0;
}

/* ---- redirdev, panic ---- */

static const char *const redirdev_order[] = {
    "source", "protocol", "boot", "alias", "address", NULL
};

static int
format_redirdev(xmlNode *parent, const struct dom_redirdev *x,
                struct lv_err *err)
{
    xmlNode *n = fx_elem(parent, "redirdev");

    fx_attr(n, "bus", x->bus);
    fx_attr(n, "type", x->chr.type);
    if (format_chr_body(n, &x->chr, err) < 0)
        return -1;
    format_boot(n, x->boot_order);
    fx_order(n, redirdev_order);
    return 0;
}

static void
format_panic(xmlNode *parent, const struct dom_panic *x)
{
    xmlNode *n = fx_elem(parent, "panic");

    fx_attr(n, "model", x->model);
    fx_alias(n, x->alias);
    fx_address(n, &x->address);
}

/* ---- input, graphics, sound, audio, video ---- */

static void
format_input(xmlNode *parent, const struct dom_input *x)
{
    xmlNode *n = fx_elem(parent, "input");

    fx_attr(n, "type", x->type);
    fx_attr(n, "bus", x->bus);
    fx_alias(n, x->alias);
    fx_address(n, &x->address);
}

static void
format_graphics_listen(xmlNode *n, const struct dom_graphics *x)
{
    xmlNode *l;
    int vnc = x->type && !strcmp(x->type, "vnc");

    /* libvirt repeats the first listen as attributes (old spelling) */
    if (x->listen_type && !strcmp(x->listen_type, "address"))
        fx_attr(n, "listen", x->listen);
    if (vnc && x->listen_type && !strcmp(x->listen_type, "socket"))
        fx_attr(n, "socket", x->listen_socket);
    if (!x->listen_type)
        return;
    l = fx_elem(n, "listen");
    fx_attr(l, "type", x->listen_type);
    fx_attr(l, "address", x->listen);
    fx_attr(l, "network", x->listen_network);
    fx_attr(l, "socket", x->listen_socket);
}

static int
format_graphics(xmlNode *parent, const struct dom_graphics *x,
                unsigned flags, struct lv_err *err)
{
    xmlNode *n = fx_elem(parent, "graphics");
    int vnc = x->type && !strcmp(x->type, "vnc");
    int vnc_socket = vnc && x->listen_type &&
                     !strcmp(x->listen_type, "socket");

    fx_attr(n, "type", x->type);
    if (x->port > 0)
        fx_attrf(n, "port", "%d", x->port);
    else if (vnc && !vnc_socket && x->autoport == LV_TRI_ON)
        fx_attr(n, "port", "-1");
    if (x->tls_port > 0)
        fx_attrf(n, "tlsPort", "%d", x->tls_port);
    fx_tri(n, "autoport", x->autoport, 1);
    if (x->websocket >= 0)
        fx_attrf(n, "websocket", "%d", x->websocket);
    format_graphics_listen(n, x);
    fx_attr(n, "keymap", x->keymap);
    if (flags & DOM_FORMAT_SECURE)
        fx_attr(n, "passwd", x->passwd);
    fx_attr(n, "passwdValidTo", x->passwd_valid_to);
    fx_attrs(n, &x->attrs);
    if (fx_keep(n, &x->keep, err) < 0)
        return -1;
    fx_order(n, graphics_order);
    return 0;
}

static int
format_sound(xmlNode *parent, const struct dom_sound *x, struct lv_err *err)
{
    xmlNode *n = fx_elem(parent, "sound");

    fx_attr(n, "model", x->model);
    fx_alias(n, x->alias);
    fx_address(n, &x->address);
    if (fx_keep(n, &x->keep, err) < 0)
        return -1;
    fx_order(n, dev_tail_order);
    return 0;
}

static int
format_audio(xmlNode *parent, const struct dom_audio *x, struct lv_err *err)
{
    xmlNode *n = fx_elem(parent, "audio");

    if (x->id)
        fx_attrf(n, "id", "%d", x->id);
    fx_attr(n, "type", x->type);
    fx_attrs(n, &x->attrs);
    return fx_keep(n, &x->keep, err);
}

static int
format_video(xmlNode *parent, const struct dom_video *x, struct lv_err *err)
{
    xmlNode *n = fx_elem(parent, "video"), *m;

    if (x->model || x->vram || x->heads || x->primary ||
        x->model_attrs.n) {
        m = fx_elem(n, "model");
        fx_attr(m, "type", x->model);
        fx_attr(m, "ram", lv_attrs_get(&x->model_attrs, "ram"));
        if (x->vram)
            fx_attrf(m, "vram", "%d", x->vram);
        fx_attrs_sel(m, &x->model_attrs, ram_only, 0);
        if (x->heads)
            fx_attrf(m, "heads", "%d", x->heads);
        fx_tri(m, "primary", x->primary, 1);
    }
    fx_alias(n, x->alias);
    fx_address(n, &x->address);
    if (fx_keep(n, &x->keep, err) < 0)
        return -1;
    fx_order(n, dev_tail_order);
    return 0;
}

/* ---- watchdog, memballoon, rng ---- */

static void
format_watchdog(xmlNode *parent, const struct dom_watchdog *x)
{
    xmlNode *n = fx_elem(parent, "watchdog");

    fx_attr(n, "model", x->model);
    fx_attr(n, "action", x->action);
    fx_alias(n, x->alias);
    fx_address(n, &x->address);
}

static void
format_memballoon(xmlNode *parent, const struct dom_memballoon *x)
{
    xmlNode *n;

    if (!x->present)
        return;
    n = fx_elem(parent, "memballoon");
    fx_attr(n, "model", x->model);
    fx_tri(n, "autodeflate", x->autodeflate, 0);
    fx_tri(n, "freePageReporting", x->free_page_reporting, 0);
    if (x->stats_period >= 0)
        fx_attrf(fx_elem(n, "stats"), "period", "%d", x->stats_period);
    fx_alias(n, x->alias);
    fx_address(n, &x->address);
}

static int
format_rng(xmlNode *parent, const struct dom_rng *x, struct lv_err *err)
{
    xmlNode *n = fx_elem(parent, "rng"), *t;

    fx_attr(n, "model", x->model);
    if (x->rate_bytes || x->rate_period) {
        t = fx_elem(n, "rate");
        if (x->rate_bytes)
            fx_attrf(t, "bytes", "%d", x->rate_bytes);
        if (x->rate_period)
            fx_attrf(t, "period", "%d", x->rate_period);
    }
    if (x->backend_model) {
        t = opt_text(n, "backend", x->backend_path);
        if (!t)
            t = fx_elem(n, "backend");
        fx_attr(t, "model", x->backend_model);
    }
    fx_alias(n, x->alias);
    fx_address(n, &x->address);
    if (fx_keep(n, &x->keep, err) < 0)
        return -1;
    fx_order(n, dev_tail_order);
    return 0;
}

/* ---- <devices> ---- */

static int
format_devices_a(xmlNode *n, const struct dom_def *def, struct lv_err *err)
{
    opt_text(n, "emulator", def->emulator);
    for (size_t i = 0; i < def->n_disks; i++)
        if (format_disk(n, &def->disks[i], err) < 0)
            return -1;
    for (size_t i = 0; i < def->n_controllers; i++)
        if (format_controller(n, &def->controllers[i], err) < 0)
            return -1;
    for (size_t i = 0; i < def->n_interfaces; i++)
        if (format_interface(n, &def->interfaces[i], err) < 0)
            return -1;
    for (size_t i = 0; i < def->n_chrs; i++)
        if (format_chr(n, &def->chrs[i], err) < 0)
            return -1;
    for (size_t i = 0; i < def->n_inputs; i++)
        format_input(n, &def->inputs[i]);
    return 0;
}

int
fx_devices(xmlNode *root, const struct dom_def *def, unsigned flags,
           struct lv_err *err)
{
    xmlNode *n = fx_elem(root, "devices");

    if (format_devices_a(n, def, err) < 0)
        return -1;
    for (size_t i = 0; i < def->n_graphics; i++)
        if (format_graphics(n, &def->graphics[i], flags, err) < 0)
            return -1;
    for (size_t i = 0; i < def->n_sounds; i++)
        if (format_sound(n, &def->sounds[i], err) < 0)
            return -1;
    for (size_t i = 0; i < def->n_audios; i++)
        if (format_audio(n, &def->audios[i], err) < 0)
            return -1;
    for (size_t i = 0; i < def->n_tpms; i++)
        fx_tpm(n, &def->tpms[i]);
    for (size_t i = 0; i < def->n_videos; i++)
        if (format_video(n, &def->videos[i], err) < 0)
            return -1;
    for (size_t i = 0; i < def->n_redirdevs; i++)
        if (format_redirdev(n, &def->redirdevs[i], err) < 0)
            return -1;
    for (size_t i = 0; i < def->n_watchdogs; i++)
        format_watchdog(n, &def->watchdogs[i]);
    format_memballoon(n, &def->memballoon);
    for (size_t i = 0; i < def->n_panics; i++)
        format_panic(n, &def->panics[i]);
    for (size_t i = 0; i < def->n_rngs; i++)
        if (format_rng(n, &def->rngs[i], err) < 0)
            return -1;
    if (fx_keep(n, &def->devices_keep, err) < 0)
        return -1;
    fx_order(n, devices_order);
    return 0;
}
