/* dom_xml_parse_devices.c - the <devices> element of libvirt domain XML:
 * one parse function per device class. Details that luavirt passes
 * through without acting on them (a disk's <backingStore> or <iotune>, an
 * interface's <bandwidth>, SPICE channel options, ...) are kept verbatim by
 * design; any other unknown element is an error unless the caller asked to
 * keep unknown elements. */
#include "dom_xml_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

#include "dom_xml.h"
#include "mac.h"

/* ---- disk ---- */

/* Kept by design inside <disk>: image chain, throttling, geometry and
 * access details QEMU gets as the user wrote them or that luavirt leaves
 * to the image itself. */
static const char *const disk_keep[] = {
    "iotune", "blockio", "geometry", "auth", "encryption",
    "product", "vendor", "mirror", "throttlefilters", NULL
};
static const char *const all[] = { "*", NULL };

static int
parse_disk_driver(struct xk_ctx *c, xmlNode *n, struct dom_disk *d)
{
    xk_str(n, "name", &d->driver_name);
    xk_str(n, "type", &d->driver_type);
    xk_str(n, "cache", &d->driver_cache);
    xk_str(n, "io", &d->driver_io);
    xk_str(n, "discard", &d->driver_discard);
    xk_attrs_rest(n, &d->driver_attrs);
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_disk_source(struct xk_ctx *c, xmlNode *n, struct dom_disk *d)
{
    if (d->type == DOM_DISK_VOLUME) {
        xk_str(n, "pool", &d->source_pool);
        xk_str(n, "volume", &d->source_volume);
    } else if (d->type != DOM_DISK_NETWORK) {
        const char *key = d->type == DOM_DISK_BLOCK ? "dev"
            : d->type == DOM_DISK_DIR ? "dir" : "file";
        xk_str(n, key, &d->source);
    }
    xk_attrs_rest(n, &d->source_attrs);
    if (dx_parse_source_hosts(c, n, &d->hosts, &d->n_hosts) < 0)
        return -1;
    return xk_finish(c, n, &d->source_keep, all);
}

static int
parse_disk_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_disk *d = obj;
    int rc;

    if (dx_common_child(c, ch, &d->address, &d->alias, &rc))
        return rc;
    if (XK_IS(ch, "driver"))
        return parse_disk_driver(c, ch, d);
    if (XK_IS(ch, "source"))
        return parse_disk_source(c, ch, d);
    if (XK_IS(ch, "backingStore"))
        return dx_parse_backing_store(c, ch, d);
    if (XK_IS(ch, "target")) {
        xk_str(ch, "dev", &d->target_dev);
        xk_str(ch, "bus", &d->target_bus);
        xk_str(ch, "tray", &d->target_tray);
        xk_attrs_rest(ch, &d->target_attrs);
    } else if (XK_IS(ch, "readonly")) {
        d->readonly = 1;
    } else if (XK_IS(ch, "shareable")) {
        d->shareable = 1;
    } else if (XK_IS(ch, "transient")) {
        d->transient = 1;
    } else if (XK_IS(ch, "boot")) {
        if (xk_int(c, ch, "order", &d->boot_order) < 0)
            return -1;
    } else if (XK_IS(ch, "serial")) {
        xk_text(ch, &d->serial);
    } else if (XK_IS(ch, "wwn")) {
        xk_text(ch, &d->wwn);
    } else {
        return 1;
    }
    return xk_finish(c, ch, NULL, NULL);
}

static const char *const disk_attrs[] = { "model", "rawio", "sgio", "snapshot" };

static int
parse_disk(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    struct dom_disk *d = xk_push(&def->disks, &def->n_disks, sizeof(*d));
    char *s = NULL;
    int v;

    if (xk_str(n, "type", &s)) {
        if ((v = dom_disk_type_from_str(s)) < 0 &&
            xk_fail(c, n, "unsupported disk type '%s'", s) < 0)
            goto fail;
        d->type = v < 0 ? DOM_DISK_FILE : (enum dom_disk_type)v;
    }
    if (xk_str(n, "device", &s)) {
        if ((v = dom_disk_device_from_str(s)) < 0 &&
            xk_fail(c, n, "unsupported disk device '%s'", s) < 0)
            goto fail;
        d->device = v < 0 ? DOM_DISK_DISK : (enum dom_disk_device)v;
    }
    free(s);
    s = NULL;
    /* libvirt's other <disk> attributes, kept as given; anything else is
     * left for xk_finish to refuse */
    for (size_t i = 0; i < sizeof(disk_attrs) / sizeof(disk_attrs[0]); i++)
        if (xk_str(n, disk_attrs[i], &s)) {
            lv_attrs_set(&d->attrs, disk_attrs[i], s);
            free(s);
            s = NULL;
        }
    if (xk_children(c, n, parse_disk_child, d) < 0)
        return -1;
    if (!d->target_dev &&
        xk_fail(c, n, "<disk> needs <target dev=...>") < 0)
        return -1;
    return xk_finish(c, n, &d->keep, disk_keep);
fail:
    free(s);
    return -1;
}

/* ---- controller ---- */

static int
parse_controller_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_controller *x = obj;
    int rc;

    if (dx_common_child(c, ch, &x->address, &x->alias, &rc))
        return rc;
    return 1;
}

/* Controller <driver>, <target>, <model>, <master> are kept by design:
 * the argv builder reads what it needs from the kept XML. */
static int
parse_controller(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    struct dom_controller *x = xk_push(&def->controllers,
                                       &def->n_controllers, sizeof(*x));
    x->index = -1;
    xk_str(n, "type", &x->type);
    if (xk_int(c, n, "index", &x->index) < 0)
        return -1;
    xk_str(n, "model", &x->model);
    xk_attrs_rest(n, &x->attrs);
    if (xk_children(c, n, parse_controller_child, x) < 0)
        return -1;
    return xk_finish(c, n, &x->keep, all);
}

/* ---- interface ---- */

/* Kept by design inside <interface>: QoS, VLAN, port profile, filter and
 * tuning details passed through as given. */
static const char *const iface_keep[] = {
    "bandwidth", "virtualport", "vlan", "filterref", "tune", "coalesce",
    "rom", "port", "ip", "route", "portForward", "backend", "script",
    "downscript", "teaming", "guest", "acpi", NULL
};

static int
parse_iface_mac(struct xk_ctx *c, xmlNode *n, struct dom_interface *x)
{
    char *s = NULL, norm[18];
    int rc;

    xk_str(n, "address", &s);
    if (!s || lv_mac_normalize(s, norm) < 0) {
        rc = xk_fail(c, n, "invalid MAC address '%s': expected a unicast "
                     "address like 52:54:00:12:34:56", s ? s : "");
    } else {
        free(x->mac);
        x->mac = lv_strdup(norm);
        rc = xk_finish(c, n, NULL, NULL);
    }
    free(s);
    return rc;
}

static int
parse_iface_source(struct xk_ctx *c, xmlNode *n, struct dom_interface *x)
{
    const char *key = x->type == DOM_NET_NETWORK ? "network"
        : x->type == DOM_NET_BRIDGE ? "bridge"
        : x->type == DOM_NET_DIRECT ? "dev" : NULL;

    if (key)
        xk_str(n, key, &x->source);
    if (x->type == DOM_NET_DIRECT)
        xk_str(n, "mode", &x->source_mode);
    xk_attrs_rest(n, &x->source_attrs);
    return xk_finish(c, n, &x->source_keep, all);
}

static int
parse_iface_driver(struct xk_ctx *c, xmlNode *n, struct dom_interface *x)
{
    xk_str(n, "name", &x->driver_name);
    if (xk_int(c, n, "queues", &x->driver_queues) < 0)
        return -1;
    xk_attrs_rest(n, &x->driver_attrs);
    return xk_finish(c, n, &x->driver_keep, all);
}

static int
parse_iface_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_interface *x = obj;
    int rc;

    if (dx_common_child(c, ch, &x->address, &x->alias, &rc))
        return rc;
    if (XK_IS(ch, "mac"))
        return parse_iface_mac(c, ch, x);
    if (XK_IS(ch, "source"))
        return parse_iface_source(c, ch, x);
    if (XK_IS(ch, "driver"))
        return parse_iface_driver(c, ch, x);
    if (XK_IS(ch, "model")) {
        xk_str(ch, "type", &x->model);
    } else if (XK_IS(ch, "target")) {
        xk_str(ch, "dev", &x->target_dev);
        xk_str(ch, "managed", &x->target_managed);
    } else if (XK_IS(ch, "link")) {
        xk_str(ch, "state", &x->link_state);
    } else if (XK_IS(ch, "mtu")) {
        if (xk_int(c, ch, "size", &x->mtu) < 0)
            return -1;
    } else if (XK_IS(ch, "boot")) {
        if (xk_int(c, ch, "order", &x->boot_order) < 0)
            return -1;
    } else {
        return 1;
    }
    return xk_finish(c, ch, NULL, NULL);
}

static int
parse_interface(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    struct dom_interface *x = xk_push(&def->interfaces, &def->n_interfaces,
                                      sizeof(*x));
    char *s = NULL;
    int v;

    xk_str(n, "type", &s);
    v = dom_net_type_from_str(s);
    if (v < 0) {
        int rc = xk_fail(c, n, "unsupported interface type '%s'",
                         s ? s : "");
        free(s);
        if (rc < 0)
            return -1;
    } else {
        x->type = (enum dom_net_type)v;
        free(s);
    }
    xk_attrs_rest(n, &x->attrs);
    if (xk_children(c, n, parse_iface_child, x) < 0)
        return -1;
    if (!x->mac)
        x->mac = lv_mac_generate();
    return xk_finish(c, n, &x->keep, iface_keep);
}

/* ---- panic ---- */

static int
parse_panic_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_panic *x = obj;
    int rc;

    if (dx_common_child(c, ch, &x->address, &x->alias, &rc))
        return rc;
    return 1;
}

static int
parse_panic(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    struct dom_panic *x = xk_push(&def->panics, &def->n_panics, sizeof(*x));

    xk_str(n, "model", &x->model);
    if (xk_children(c, n, parse_panic_child, x) < 0)
        return -1;
    return xk_finish(c, n, NULL, NULL);
}

/* ---- input, graphics, video, sound, audio ---- */

static int
parse_input_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_input *x = obj;
    int rc;

    if (dx_common_child(c, ch, &x->address, &x->alias, &rc))
        return rc;
    return 1;
}

static int
parse_input(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    struct dom_input *x = xk_push(&def->inputs, &def->n_inputs, sizeof(*x));

    xk_str(n, "type", &x->type);
    xk_str(n, "bus", &x->bus);
    if (xk_children(c, n, parse_input_child, x) < 0)
        return -1;
    return xk_finish(c, n, NULL, NULL);
}

/* SPICE/VNC client options kept by design inside <graphics>. */
static const char *const graphics_keep[] = {
    "channel", "image", "jpeg", "zlib", "playback", "streaming",
    "clipboard", "mouse", "filetransfer", "gl", "audio", NULL
};

static int
parse_graphics_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_graphics *x = obj;

    if (!XK_IS(ch, "listen"))
        return 1;
    if (x->listen_type) {
        /* a second listen: kept verbatim */
        char *s = xk_dump(ch);
        lv_xml_keep_add(&x->keep, s);
        free(s);
        return 0;
    }
    xk_str(ch, "type", &x->listen_type);
    xk_str(ch, "address", &x->listen);
    xk_str(ch, "network", &x->listen_network);
    xk_str(ch, "socket", &x->listen_socket);
    if (!x->listen_type)
        x->listen_type = lv_strdup("address");
    return xk_finish(c, ch, NULL, NULL);
}

static int
parse_graphics(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    struct dom_graphics *x = xk_push(&def->graphics, &def->n_graphics,
                                     sizeof(*x));
    char *attr_listen = NULL, *attr_socket = NULL;
    int has_port;

    x->port = x->tls_port = x->websocket = -1;
    xk_str(n, "type", &x->type);
    if ((has_port = xk_int(c, n, "port", &x->port)) < 0 ||
        xk_tri(c, n, "autoport", &x->autoport) < 0 ||
        xk_int(c, n, "tlsPort", &x->tls_port) < 0 ||
        xk_int(c, n, "websocket", &x->websocket) < 0)
        return -1;
    /* port='-1' is libvirt's old way to ask for autoport */
    if (has_port && x->port == -1 && x->autoport == LV_TRI_ABSENT)
        x->autoport = LV_TRI_ON;
    xk_str(n, "listen", &attr_listen);
    xk_str(n, "socket", &attr_socket);
    xk_str(n, "passwd", &x->passwd);
    xk_str(n, "passwdValidTo", &x->passwd_valid_to);
    xk_str(n, "keymap", &x->keymap);
    xk_attrs_rest(n, &x->attrs);
    if (xk_children(c, n, parse_graphics_child, x) < 0)
        goto fail;
    /* the listen= and socket= attributes are the old spelling of the
     * first <listen>; libvirt writes both, from the element */
    if (!x->listen_type && attr_socket) {
        x->listen_type = lv_strdup("socket");
        x->listen_socket = attr_socket;
        attr_socket = NULL;
    } else if (!x->listen_type && attr_listen) {
        x->listen_type = lv_strdup("address");
        x->listen = attr_listen;
        attr_listen = NULL;
    }
    free(attr_listen);
    free(attr_socket);
    return xk_finish(c, n, &x->keep, graphics_keep);
fail:
    free(attr_listen);
    free(attr_socket);
    return -1;
}

static int
parse_video_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_video *x = obj;
    int rc;

    if (dx_common_child(c, ch, &x->address, &x->alias, &rc))
        return rc;
    if (!XK_IS(ch, "model"))
        return 1;
    xk_str(ch, "type", &x->model);
    if (xk_int(c, ch, "vram", &x->vram) < 0 ||
        xk_int(c, ch, "heads", &x->heads) < 0 ||
        xk_tri(c, ch, "primary", &x->primary) < 0)
        return -1;
    xk_attrs_rest(ch, &x->model_attrs);
    return xk_finish(c, ch, NULL, NULL);
}

static int
parse_video(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    static const char *const video_keep[] = { "driver", NULL };
    struct dom_video *x = xk_push(&def->videos, &def->n_videos, sizeof(*x));

    if (xk_children(c, n, parse_video_child, x) < 0)
        return -1;
    return xk_finish(c, n, &x->keep, video_keep);
}

static int
parse_sound_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_sound *x = obj;
    int rc;

    if (dx_common_child(c, ch, &x->address, &x->alias, &rc))
        return rc;
    return 1;
}

static int
parse_sound(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    static const char *const sound_keep[] = { "codec", "audio", NULL };
    struct dom_sound *x = xk_push(&def->sounds, &def->n_sounds, sizeof(*x));

    xk_str(n, "model", &x->model);
    if (xk_children(c, n, parse_sound_child, x) < 0)
        return -1;
    return xk_finish(c, n, &x->keep, sound_keep);
}

static int
parse_audio(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    struct dom_audio *x = xk_push(&def->audios, &def->n_audios, sizeof(*x));

    if (xk_int(c, n, "id", &x->id) < 0)
        return -1;
    xk_str(n, "type", &x->type);
    xk_attrs_rest(n, &x->attrs);
    return xk_finish(c, n, &x->keep, all);
}

/* ---- watchdog, memballoon, rng ---- */

static int
parse_watchdog_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_watchdog *x = obj;
    int rc;

    if (dx_common_child(c, ch, &x->address, &x->alias, &rc))
        return rc;
    return 1;
}

static int
parse_watchdog(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    struct dom_watchdog *x = xk_push(&def->watchdogs, &def->n_watchdogs,
                                     sizeof(*x));

    xk_str(n, "model", &x->model);
    xk_str(n, "action", &x->action);
    if (xk_children(c, n, parse_watchdog_child, x) < 0)
        return -1;
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_memballoon_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_memballoon *x = obj;
    int rc;

    if (dx_common_child(c, ch, &x->address, &x->alias, &rc))
        return rc;
    if (!XK_IS(ch, "stats"))
        return 1;
    if (xk_int(c, ch, "period", &x->stats_period) < 0)
        return -1;
    return xk_finish(c, ch, NULL, NULL);
}

static int
parse_memballoon(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    struct dom_memballoon *x = &def->memballoon;

    if (x->present)
        return xk_fail(c, n, "more than one <memballoon>");
    x->present = 1;
    xk_str(n, "model", &x->model);
    if (xk_tri(c, n, "autodeflate", &x->autodeflate) < 0 ||
        xk_tri(c, n, "freePageReporting", &x->free_page_reporting) < 0)
        return -1;
    if (xk_children(c, n, parse_memballoon_child, x) < 0)
        return -1;
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_rng_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_rng *x = obj;
    int rc;

    if (dx_common_child(c, ch, &x->address, &x->alias, &rc))
        return rc;
    if (XK_IS(ch, "rate")) {
        if (xk_int(c, ch, "bytes", &x->rate_bytes) < 0 ||
            xk_int(c, ch, "period", &x->rate_period) < 0)
            return -1;
        return xk_finish(c, ch, NULL, NULL);
    }
    if (!XK_IS(ch, "backend") || xmlHasProp(ch, (const xmlChar *)"type"))
        return 1;  /* an egd backend (type=, <source>) is kept verbatim */
    xk_str(ch, "model", &x->backend_model);
    xk_text(ch, &x->backend_path);
    if (!*x->backend_path) {
        free(x->backend_path);
        x->backend_path = NULL;
    }
    return xk_finish(c, ch, NULL, NULL);
}

static int
parse_rng(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    static const char *const rng_keep[] = { "backend", "driver", NULL };
    struct dom_rng *x = xk_push(&def->rngs, &def->n_rngs, sizeof(*x));

    xk_str(n, "model", &x->model);
    if (xk_children(c, n, parse_rng_child, x) < 0)
        return -1;
    return xk_finish(c, n, &x->keep, rng_keep);
}

/* ---- <devices> ---- */

static int
parse_device(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_def *def = obj;
    const char *n = XK_NAME(ch);

    if (!strcmp(n, "emulator")) {
        xk_text(ch, &def->emulator);
        return xk_finish(c, ch, NULL, NULL);
    }
    if (!strcmp(n, "disk"))
        return parse_disk(c, ch, def);
    if (!strcmp(n, "controller"))
        return parse_controller(c, ch, def);
    if (!strcmp(n, "interface"))
        return parse_interface(c, ch, def);
    if (!strcmp(n, "serial"))
        return dx_parse_chr(c, ch, def, DOM_CHR_SERIAL);
    if (!strcmp(n, "console"))
        return dx_parse_chr(c, ch, def, DOM_CHR_CONSOLE);
    if (!strcmp(n, "channel"))
        return dx_parse_chr(c, ch, def, DOM_CHR_CHANNEL);
    if (!strcmp(n, "parallel"))
        return dx_parse_chr(c, ch, def, DOM_CHR_PARALLEL);
    if (!strcmp(n, "input"))
        return parse_input(c, ch, def);
    if (!strcmp(n, "graphics"))
        return parse_graphics(c, ch, def);
    if (!strcmp(n, "video"))
        return parse_video(c, ch, def);
    if (!strcmp(n, "sound"))
        return parse_sound(c, ch, def);
    if (!strcmp(n, "audio"))
        return parse_audio(c, ch, def);
    if (!strcmp(n, "watchdog"))
        return parse_watchdog(c, ch, def);
    if (!strcmp(n, "memballoon"))
        return parse_memballoon(c, ch, def);
    if (!strcmp(n, "rng"))
        return parse_rng(c, ch, def);
    if (!strcmp(n, "tpm"))
        return dx_parse_tpm(c, ch, def);
    if (!strcmp(n, "redirdev"))
        return dx_parse_redirdev(c, ch, def);
    if (!strcmp(n, "panic"))
        return parse_panic(c, ch, def);
    return xk_leftover(c, ch->parent, ch, &def->devices_keep, NULL);
}

static const char *const device_names[] = {
    "disk", "controller", "interface", "serial", "console", "channel", "parallel",
    "input", "graphics", "video", "sound", "audio", "watchdog", "memballoon", "rng",
    "tpm", "redirdev", "panic", NULL
};

int
dx_parse_one_device(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    for (size_t i = 0; device_names[i]; i++)
        if (!strcmp(device_names[i], XK_NAME(n)))
            return parse_device(c, n, def);
    return xk_fail(c, n, "unsupported device <%s>", XK_NAME(n)) < 0 ? -1 : 0;
}

/* Unknown devices (hostdev, filesystem, redirfilter, ...) are
 * errors: luavirt would not give them to the guest. */
int
dx_parse_devices(struct xk_ctx *c, xmlNode *node, struct dom_def *def)
{
    if (xk_children(c, node, parse_device, def) < 0)
        return -1;
    return xk_finish(c, node, &def->devices_keep, NULL);
}
