/* qemu_argv_disk.c - disks for the QEMU argv: a -blockdev chain (protocol
 * node, then a format node unless raw) and a -device for the guest side
 * (virtio-blk, IDE/SATA, SCSI, USB storage, floppy), like libvirt's
 * qemuBuildDiskCommandLine with QEMU 7.2's blockdev syntax. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_argv_priv.h"

/* The drive address of a disk: <address type='drive'> or derived from the
 * target name the way libvirt does (hdc -> ide bus 1 unit 0). */
struct drive_addr {
    long ctrl, bus, target, unit;
};

/* "vdb" -> 1, "sdaa" -> 26 (bijective base 26 after the 2-letter
 * prefix); -1 if not a disk name */
static long
dev_index(const char *dev)
{
    long idx = 0;

    if (strlen(dev) < 3 || strlen(dev) > 8)
        return -1;
    for (const char *p = dev + 2; *p; p++) {
        if (*p < 'a' || *p > 'z')
            return -1;
        idx = idx * 26 + (*p - 'a' + 1);
    }
    return idx - 1;
}

static int
drive_addr_get(const struct dom_disk *k, const char *bus, struct drive_addr *d,
               struct lv_err *err)
{
    long idx;

    if (k->address.type && !strcmp(k->address.type, "drive")) {
        d->ctrl = qemu_argv_addr_num(&k->address, "controller", 0);
        d->bus = qemu_argv_addr_num(&k->address, "bus", 0);
        d->target = qemu_argv_addr_num(&k->address, "target", 0);
        d->unit = qemu_argv_addr_num(&k->address, "unit", 0);
        if (d->ctrl < 0 || d->bus < 0 || d->target < 0 || d->unit < 0)
            goto bad;
        return 0;
    }
    idx = dev_index(k->target_dev);
    if (idx < 0)
        goto bad;
    d->target = 0;
    if (!strcmp(bus, "ide")) {
        d->ctrl = idx / 4, d->bus = (idx % 4) / 2, d->unit = idx % 2;
    } else if (!strcmp(bus, "sata")) {
        d->ctrl = idx / 6, d->bus = 0, d->unit = idx % 6;
    } else if (!strcmp(bus, "scsi")) {
        d->ctrl = idx / 7, d->bus = 0, d->unit = idx % 7;
    } else {
        d->ctrl = 0, d->bus = 0, d->unit = idx;
    }
    return 0;
bad:
    lv_err_set(err, LV_E_INVALID, "disk '%s': invalid drive address",
               k->target_dev);
    return -1;
}

long
qemu_argv_disk_ctrl(const struct dom_disk *k)
{
    struct drive_addr a;

    if (!k->target_bus || !k->target_dev ||
        drive_addr_get(k, k->target_bus, &a, NULL) < 0)
        return -1;
    return a.ctrl;
}

/* Is an element named name among the kept ones? */
static int
keep_has(const struct lv_xml_keep *k, const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; i < k->n; i++)
        if (k->items[i][0] == '<' && !strncmp(k->items[i] + 1, name, n) &&
            strchr(" />\t\n", k->items[i][1 + n]))
            return 1;
    return 0;
}

/* One image of a disk: the disk itself or a layer of its chain, and how
 * its nodes are made. */
struct image {
    enum dom_disk_type type;
    const char *path;
    const struct lv_attrs *attrs;     /* <source> attributes */
    const struct dom_disk_host *hosts;
    size_t n_hosts;
    const struct lv_xml_keep *source_keep;
    int has_auth;
    const char *fmt;                  /* raw, qcow2, ... */
    int ro;
    const char *base;                 /* node names base-storage/-format */
    const char *backing;              /* the node below; NULL: none given,
                                       * QEMU follows the image's header;
                                       * "": JSON null, the chain ends */
    const char *what;                 /* "disk 'vda'" for errors */
};

static json_t *
protocol_node(const struct dom_disk *k, const struct image *im, const char *what,
              struct lv_err *err)
{
    struct qemu_netdisk nd = {
        .what = what, .protocol = lv_attrs_get(im->attrs, "protocol"),
        .name = lv_attrs_get(im->attrs, "name"),
        .query = lv_attrs_get(im->attrs, "query"), .hosts = im->hosts,
        .n_hosts = im->n_hosts,
        .has_auth = im->has_auth || keep_has(im->source_keep, "auth"),
    };

    switch (im->type) {
    case DOM_DISK_FILE:
        return json_pack("{s:s, s:s}", "driver", "file", "filename", im->path);
    case DOM_DISK_BLOCK:
        return json_pack("{s:s, s:s}", "driver", k->device == DOM_DISK_CDROM ?
                         "host_cdrom" : "host_device", "filename", im->path);
    case DOM_DISK_NETWORK:
        return qemu_argv_netdisk_node(&nd, err);
    default:
        break;
    }
    lv_err_set(err, LV_E_UNSUPPORTED, "%s: unsupported disk type '%s'", what,
               dom_disk_type_to_str(im->type));
    return NULL;
}

/* cache mode -> blockdev cache flags and the device's write-cache */
static int
cache_flags(const char *mode, int *direct, int *noflush, const char **wc)
{
    *direct = 0, *noflush = 0, *wc = NULL;
    if (!mode || !strcmp(mode, "default"))
        return 0;
    if (!strcmp(mode, "none"))
        *direct = 1, *wc = "on";
    else if (!strcmp(mode, "writeback"))
        *wc = "on";
    else if (!strcmp(mode, "writethrough"))
        *wc = "off";
    else if (!strcmp(mode, "directsync"))
        *direct = 1, *wc = "off";
    else if (!strcmp(mode, "unsafe"))
        *noflush = 1, *wc = "on";
    else
        return -1;
    return 0;
}

/* The options every node of disk k gets: cache, discard. */
static void
node_common(const struct dom_disk *k, json_t *o, int direct, int noflush)
{
    if (direct || noflush)
        json_object_set_new(o, "cache", json_pack("{s:b, s:b}", "direct",
                                                  direct, "no-flush", noflush));
    if (k->driver_discard)
        json_object_set_new(o, "discard", json_string(k->driver_discard));
}

/* The protocol node and, unless raw, the format node of one image; node
 * gets the top node's name. */
static int
add_image(struct qemu_argv_ctx *c, const struct dom_disk *k, const struct image *im,
          char *node, size_t nodesz)
{
    const char *fmt = im->fmt, *base = im->base, *backing = im->backing;
    int direct, noflush, ro = im->ro;
    const char *wc;
    json_t *p, *f;

    cache_flags(k->driver_cache, &direct, &noflush, &wc);
    if (!(p = protocol_node(k, im, im->what, c->err)))
        return -1;
    json_object_set_new(p, "node-name", json_sprintf("%s-storage", base));
    if (k->driver_io && im->type != DOM_DISK_NETWORK)
        json_object_set_new(p, "aio", json_string(k->driver_io));
    node_common(k, p, direct, noflush);
    if (!strcmp(fmt, "raw")) {
        json_object_set_new(p, "read-only", json_boolean(ro));
        qemu_argv_add_json(c, "-blockdev", p);
        snprintf(node, nodesz, "%s-storage", base);
        return 0;
    }
    json_object_set_new(p, "auto-read-only", json_true());
    qemu_argv_add_json(c, "-blockdev", p);
    f = json_object();
    json_object_set_new(f, "node-name", json_sprintf("%s-format", base));
    json_object_set_new(f, "read-only", json_boolean(ro));
    json_object_set_new(f, "driver", json_string(fmt));
    json_object_set_new(f, "file", json_sprintf("%s-storage", base));
    if (backing)
        json_object_set_new(f, "backing", *backing ? json_string(backing) : json_null());
    node_common(k, f, direct, noflush);
    qemu_argv_add_json(c, "-blockdev", f);
    snprintf(node, nodesz, "%s-format", base);
    return 0;
}

/* The <backingStore> layers of disk i, bottom up (a node must exist
 * before the one above names it); below gets the top layer's node, or ""
 * when the chain ends at once, and stays NULL-like ("-") when no chain is
 * given. */
static int
add_chain(struct qemu_argv_ctx *c, size_t i, char *below, size_t sz,
          const char *what)
{
    const struct dom_disk *k = &c->def->disks[i];
    char base[48], node[64] = "";
    int end = k->chain_end;

    for (size_t j = k->n_chain; j-- > 0;) {
        const struct dom_disk_layer *l = &k->chain[j];
        char lwhat[160];
        struct image im = { .type = l->type, .path = l->source, .attrs = &l->source_attrs,
                            .hosts = l->hosts, .n_hosts = l->n_hosts,
                            .source_keep = &l->source_keep,
                            .has_auth = keep_has(&l->keep, "auth"),
                            .fmt = l->format ? l->format : "raw", .ro = 1,
                            .base = base, .what = lwhat,
                            .backing = node[0] ? node : end ? "" : NULL };
        snprintf(base, sizeof(base), "disk%zu-b%zu", i, j);
        snprintf(lwhat, sizeof(lwhat), "%s: backing layer %zu", what, j + 1);
        if (im.type != DOM_DISK_NETWORK && !im.path) {
            lv_err_set(c->err, LV_E_INVALID, "%s: <source> has no path", lwhat);
            return -1;
        }
        if (add_image(c, k, &im, node, sizeof(node)) < 0)
            return -1;
        end = 0;
    }
    snprintf(below, sz, "%s", node[0] ? node : k->chain_end ? "" : "-");
    return 0;
}

/* Emit the -blockdev chain of disk i; *node gets the top node name (a
 * static-size buffer), "" for an empty drive. */
static int
add_blockdev(struct qemu_argv_ctx *c, size_t i, char *node, size_t nodesz)
{
    const struct dom_disk *k = &c->def->disks[i];
    const char *fmt = k->driver_type ? k->driver_type : "raw";
    int direct, noflush, ro = k->readonly || k->device == DOM_DISK_CDROM;
    struct image im = { .type = k->type, .path = k->source, .attrs = &k->source_attrs,
                        .hosts = k->hosts, .n_hosts = k->n_hosts,
                        .source_keep = &k->source_keep,
                        .has_auth = keep_has(&k->keep, "auth") };
    char what[96], base[32], below[64];
    const char *wc;

    node[0] = '\0';
    snprintf(what, sizeof(what), "disk '%s'", k->target_dev);
    if (!k->source && k->type != DOM_DISK_NETWORK)
        return 0;      /* empty cdrom/floppy */
    if (cache_flags(k->driver_cache, &direct, &noflush, &wc) < 0) {
        lv_err_set(c->err, LV_E_INVALID, "%s: unsupported cache mode '%s'",
                   what, k->driver_cache);
        return -1;
    }
    if (keep_has(&k->keep, "encryption")) {
        lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: <encryption> needs a secret, "
                   "and luavirt keeps no secrets", what);
        return -1;
    }
    if (add_chain(c, i, below, sizeof(below), what) < 0)
        return -1;
    snprintf(base, sizeof(base), "disk%zu", i);
    im.fmt = fmt;
    im.ro = ro;
    im.base = base;
    im.backing = strcmp(below, "-") ? below : NULL;
    im.what = what;
    return add_image(c, k, &im, node, nodesz);
}

static const char *
scsi_model(const struct qemu_argv_ctx *c, long idx)
{
    for (size_t i = 0; i < c->def->n_controllers; i++) {
        const struct dom_controller *k = &c->def->controllers[i];
        if (!strcmp(k->type, "scsi") && k->index == idx)
            return k->model ? k->model : "lsilogic";
    }
    return "lsilogic";
}

/* The bus part of the -device for disk k: driver, bus and unit. */
static int
disk_bus(struct qemu_argv_ctx *c, const struct dom_disk *k, const char *bus,
         json_t *dev, const char *what)
{
    int cd = k->device == DOM_DISK_CDROM;
    struct drive_addr a;

    if (!strcmp(bus, "virtio")) {
        if (cd) {
            lv_err_set(c->err, LV_E_INVALID, "%s: a cdrom cannot use bus 'virtio'", what);
            return -1;
        }
        json_object_set_new(dev, "driver", json_string("virtio-blk-pci"));
        return qemu_argv_pci_place(c, &k->address, dev, what);
    }
    if (!strcmp(bus, "usb")) {
        json_object_set_new(dev, "driver", json_string("usb-storage"));
        json_object_set_new(dev, "bus", json_string("usb.0"));
        json_object_set_new(dev, "port", json_sprintf("%d", c->usb_port++));
        json_object_set_new(dev, "removable", json_boolean(cd));
        return 0;
    }
    if (drive_addr_get(k, bus, &a, c->err) < 0)
        return -1;
    if ((!strcmp(bus, "ide") || !strcmp(bus, "sata")) && !cd && k->readonly) {
        lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: readonly disks are not "
                   "supported on bus '%s'", what, bus);
        return -1;
    }
    if (!strcmp(bus, "ide")) {
        if (c->q35 || a.ctrl != 0 || a.bus > 1 || a.unit > 1) {
            lv_err_set(c->err, LV_E_UNSUPPORTED, c->q35 ?
                       "%s: IDE is not available on q35; use bus='sata'" :
                       "%s: IDE address out of range (one controller, 2 buses, "
                       "2 units)", what);
            return -1;
        }
        json_object_set_new(dev, "driver", json_string(cd ? "ide-cd" : "ide-hd"));
        json_object_set_new(dev, "bus", json_sprintf("ide.%ld", a.bus));
        json_object_set_new(dev, "unit", json_integer(a.unit));
    } else if (!strcmp(bus, "sata")) {
        json_object_set_new(dev, "driver", json_string(cd ? "ide-cd" : "ide-hd"));
        if (c->q35 && a.ctrl == 0)
            json_object_set_new(dev, "bus", json_sprintf("ide.%ld", a.unit));
        else
            json_object_set_new(dev, "bus", json_sprintf("sata%ld.%ld", a.ctrl, a.unit));
    } else if (!strcmp(bus, "scsi")) {
        const char *m = scsi_model(c, a.ctrl);
        json_object_set_new(dev, "driver", json_string(cd ? "scsi-cd" : "scsi-hd"));
        json_object_set_new(dev, "bus", json_sprintf("scsi%ld.0", a.ctrl));
        if (!strcmp(m, "lsilogic")) {
            json_object_set_new(dev, "scsi-id", json_integer(a.unit));
        } else {
            json_object_set_new(dev, "channel", json_integer(a.bus));
            json_object_set_new(dev, "scsi-id", json_integer(a.target));
            json_object_set_new(dev, "lun", json_integer(a.unit));
        }
    } else if (!strcmp(bus, "fdc")) {
        if (a.unit > 1) {
            lv_err_set(c->err, LV_E_INVALID, "%s: floppy unit %ld out of range", what, a.unit);
            return -1;
        }
        json_object_set_new(dev, "driver", json_string("floppy"));
        json_object_set_new(dev, "unit", json_integer(a.unit));
    } else {
        lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: unsupported disk bus '%s'", what, bus);
        return -1;
    }
    return 0;
}

static const char *
default_bus(const struct dom_disk *k)
{
    if (k->device == DOM_DISK_FLOPPY)
        return "fdc";
    if (k->target_dev && !strncmp(k->target_dev, "vd", 2))
        return "virtio";
    if (k->target_dev && !strncmp(k->target_dev, "sd", 2))
        return "scsi";
    return "ide";
}

static int
add_disk(struct qemu_argv_ctx *c, size_t i)
{
    const struct dom_disk *k = &c->def->disks[i];
    const char *bus = k->target_bus ? k->target_bus : default_bus(k);
    int direct, noflush, boot = qemu_argv_disk_bootindex(c, i);
    const char *wc = NULL;
    char node[48], what[96], id[48];
    json_t *dev;

    snprintf(what, sizeof(what), "disk '%s'", k->target_dev ? k->target_dev : "?");
    if (!k->target_dev) {
        lv_err_set(c->err, LV_E_INVALID, "disk %zu: no target dev", i);
        return -1;
    }
    if (k->device == DOM_DISK_LUN) {
        lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: device='lun' is not supported", what);
        return -1;
    }
    if (k->type == DOM_DISK_VOLUME || k->type == DOM_DISK_DIR) {
        lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: unsupported disk type '%s'",
                   what, dom_disk_type_to_str(k->type));
        return -1;
    }
    if (add_blockdev(c, i, node, sizeof(node)) < 0)
        return -1;
    dev = json_object();
    if (disk_bus(c, k, bus, dev, what) < 0) {
        json_decref(dev);
        return -1;
    }
    if (node[0])
        json_object_set_new(dev, "drive", json_string(node));
    snprintf(id, sizeof(id), "disk-%s", k->target_dev);
    json_object_set_new(dev, "id", json_string(k->alias ? k->alias : id));
    if (boot > 0 && strcmp(bus, "fdc"))
        json_object_set_new(dev, "bootindex", json_integer(boot));
    if (k->serial && strcmp(bus, "fdc") && strcmp(bus, "usb"))
        json_object_set_new(dev, "serial", json_string(k->serial));
    if (k->wwn && (!strcmp(bus, "scsi") || !strcmp(bus, "ide") || !strcmp(bus, "sata")))
        json_object_set_new(dev, "wwn", json_integer((json_int_t)strtoull(k->wwn, NULL, 16)));
    cache_flags(k->driver_cache, &direct, &noflush, &wc);
    if (wc && strcmp(bus, "fdc") && strcmp(bus, "usb"))
        json_object_set_new(dev, "write-cache", json_string(wc));
    if (k->shareable && !strcmp(bus, "scsi"))
        json_object_set_new(dev, "share-rw", json_true());
    qemu_argv_add_json(c, "-device", dev);
    return 0;
}

/* Floppies boot through the controller's bootindexA/B, like libvirt. */
static void
add_floppy_boot(struct qemu_argv_ctx *c)
{
    for (size_t i = 0; i < c->def->n_disks; i++) {
        const struct dom_disk *k = &c->def->disks[i];
        struct drive_addr a;
        int boot = qemu_argv_disk_bootindex(c, i);
        if (k->device != DOM_DISK_FLOPPY || boot <= 0 ||
            drive_addr_get(k, "fdc", &a, NULL) < 0 || a.unit > 1)
            continue;
        if (c->q35) {
            qemu_argv_add_json(c, "-device", json_pack("{s:s, s:i}", "driver",
                               "isa-fdc", a.unit ? "bootindexB" : "bootindexA", boot));
        } else {
            qemu_argv_add(c, "-global");
            qemu_argv_addf(c, "isa-fdc.bootindex%c=%d", a.unit ? 'B' : 'A', boot);
        }
        return;
    }
    if (c->q35)   /* q35 has no floppy controller of its own */
        for (size_t i = 0; i < c->def->n_disks; i++)
            if (c->def->disks[i].device == DOM_DISK_FLOPPY) {
                qemu_argv_add_json(c, "-device", json_pack("{s:s}", "driver", "isa-fdc"));
                return;
            }
}

int
qemu_argv_disks(struct qemu_argv_ctx *c)
{
    add_floppy_boot(c);
    for (size_t i = 0; i < c->def->n_disks; i++)
        if (add_disk(c, i) < 0)
            return -1;
    return 0;
}
