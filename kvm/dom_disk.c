/* dom_disk.c - attach-disk, detach-disk, change-media and update-device
 * (see dom_disk.h). Hotplugged disks get the argv builder's device id
 * ("disk-TARGET", or the alias) and nodes "disk-TARGET-storage" and
 * "disk-TARGET-format", so a disk is detached the same way whether it was
 * there at start or plugged later: the nodes come from query-block. */
#include "dom_disk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#include "deadline.h"
#include "dom_dac.h"
#include "dom.h"
#include "dom_disk_priv.h"
#include "dom_pci_live.h"
#include "dom_paths.h"
#include "dom_xml.h"
#include "log.h"
#include "strbuf.h"

static const char *
default_bus(const char *target, const char *device)
{
    if (device && !strcmp(device, "floppy"))
        return "fdc";
    if (!strncmp(target, "vd", 2))
        return "virtio";
    if (!strncmp(target, "sd", 2))
        return "scsi";
    if (!strncmp(target, "fd", 2))
        return "fdc";
    return "ide";
}

static enum dom_disk_type
source_type(const char *source)
{
    struct stat sb;

    return source && stat(source, &sb) == 0 && S_ISBLK(sb.st_mode)
           ? DOM_DISK_BLOCK : DOM_DISK_FILE;
}

/* Fill k from spec (k is zeroed, its strings malloc'd). */
static int
disk_from_spec(struct dom_disk *k, const struct dom_disk_spec *s,
               struct lv_err *err)
{
    int dev = dom_disk_device_from_str(s->device ? s->device : "disk");

    if (dev < 0 || dev == DOM_DISK_LUN) {
        lv_err_set(err, LV_E_INVALID, "disk '%s': unsupported device type '%s' "
                   "(disk, cdrom or floppy)", s->target, s->device);
        return -1;
    }
    k->device = (enum dom_disk_device)dev;
    k->type = source_type(s->source);
    k->driver_name = lv_strdup("qemu");
    if (s->format)
        k->driver_type = lv_strdup(s->format);
    else if (s->source && !(k->driver_type = dom_disk_probe_format(s->source, err)))
        return -1;
    else if (!s->source)
        k->driver_type = lv_strdup("raw");
    if (s->cache)
        k->driver_cache = lv_strdup(s->cache);
    if (s->source)
        k->source = lv_strdup(s->source);
    k->target_dev = lv_strdup(s->target);
    k->target_bus = lv_strdup(s->bus ? s->bus : default_bus(s->target, s->device));
    k->readonly = s->readonly || k->device == DOM_DISK_CDROM;
    k->shareable = s->shareable;
    return 0;
}

static void
def_add_disk(struct dom_def *def, struct dom_disk *k)
{
    def->disks = lv_realloc(def->disks, (def->n_disks + 1) * sizeof(*def->disks));
    def->disks[def->n_disks++] = *k;
    memset(k, 0, sizeof(*k));
}

/* cache mode -> blockdev cache flags and the device's write-cache, as
 * qemu_argv_disk.c does for a cold-plugged disk. */
static int
cache_flags(const char *mode, int *direct, int *noflush, const char **wc)
{
    static const struct { const char *mode; int direct, noflush; const char *wc; }
    modes[] = {
        { "default", 0, 0, NULL }, { "none", 1, 0, "on" },
        { "writeback", 0, 0, "on" }, { "writethrough", 0, 0, "off" },
        { "directsync", 1, 0, "off" }, { "unsafe", 0, 1, "on" },
    };
    *direct = 0, *noflush = 0, *wc = NULL;
    if (!mode)
        return 0;
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
        if (!strcmp(modes[i].mode, mode)) {
            *direct = modes[i].direct, *noflush = modes[i].noflush;
            *wc = modes[i].wc;
            return 0;
        }
    return -1;
}

/* A confined QEMU opens k's image as its own user: hand it over first
 * (dom_dac.h; given back when QEMU stops). */
static int
grant_image(struct dom_edit_op *op, const struct dom_disk *k, struct lv_err *err)
{
    char what[96];

    snprintf(what, sizeof(what), "domain '%s': disk '%s'", op->name, k->target_dev);
    return dom_dac_grant_live(op->c, op->name, k->source,
                              k->readonly || k->device == DOM_DISK_CDROM, what, err);
}

/* blockdev-add the nodes of k's image; *top gets the node to attach. */
static int
add_nodes(struct qmp *q, const struct dom_disk *k, char **top,
          struct lv_err *err)
{
    const char *fmt = k->driver_type ? k->driver_type : "raw";
    int direct, noflush, raw = !strcmp(fmt, "raw");
    const char *wc;
    char *storage = lv_asprintf("disk-%s-storage", k->target_dev);
    json_t *p, *f, *cache = NULL;
    int ret = -1;

    *top = NULL;
    if (cache_flags(k->driver_cache, &direct, &noflush, &wc) < 0) {
        lv_err_set(err, LV_E_INVALID, "disk '%s': unsupported cache mode '%s'",
                   k->target_dev, k->driver_cache);
        goto out;
    }
    if (direct || noflush)
        cache = json_pack("{s:b, s:b}", "direct", direct, "no-flush", noflush);
    p = json_pack("{s:s, s:s, s:s}", "driver", k->type == DOM_DISK_BLOCK ?
                  (k->device == DOM_DISK_CDROM ? "host_cdrom" : "host_device") :
                  "file", "filename", k->source, "node-name", storage);
    if (cache)
        json_object_set(p, "cache", cache);
    json_object_set_new(p, raw ? "read-only" : "auto-read-only",
                        json_boolean(raw ? k->readonly : 1));
    if (dom_qmp_ok(q, "blockdev-add", p, err) < 0)
        goto out;
    if (raw) {
        *top = storage;
        storage = NULL;
        ret = 0;
        goto out;
    }
    f = json_pack("{s:s, s:s, s:o, s:b}", "driver", fmt, "file", storage,
                  "node-name", json_sprintf("disk-%s-format", k->target_dev),
                  "read-only", k->readonly);
    if (cache)
        json_object_set(f, "cache", cache);
    if (dom_qmp_ok(q, "blockdev-add", f, err) < 0) {
        dom_disk_del_nodes(q, "", storage);
        goto out;
    }
    *top = lv_asprintf("disk-%s-format", k->target_dev);
    ret = 0;
out:
    json_decref(cache);
    free(storage);
    return ret;
}

/* The -device of a hotplugged disk; NULL + err for a bus that cannot be
 * hotplugged (IDE, SATA, floppy: like libvirt). */
static json_t *
device_json(const struct dom_def *def, const struct dom_disk *k, const char *node,
            struct lv_err *err)
{
    int direct, noflush, cd = k->device == DOM_DISK_CDROM;
    const char *bus = k->target_bus, *wc;
    char *id = dom_disk_qdev_id(k);
    json_t *dev = json_pack("{s:s, s:s}", "id", id, "drive", node);

    free(id);
    cache_flags(k->driver_cache, &direct, &noflush, &wc);
    if (!strcmp(bus, "virtio") && !cd) {
        json_object_set_new(dev, "driver", json_string("virtio-blk-pci"));
    } else if (!strcmp(bus, "scsi")) {
        const char *model = "lsilogic";
        long idx = 0;
        for (const char *p = k->target_dev + 2; *p; p++)
            idx = idx * 26 + (*p - 'a' + 1);
        idx--;
        for (size_t i = 0; i < def->n_controllers; i++)
            if (!strcmp(def->controllers[i].type, "scsi") &&
                def->controllers[i].index == idx / 7 && def->controllers[i].model)
                model = def->controllers[i].model;
        json_object_set_new(dev, "driver", json_string(cd ? "scsi-cd" : "scsi-hd"));
        json_object_set_new(dev, "bus", json_sprintf("scsi%ld.0", idx / 7));
        if (!strcmp(model, "lsilogic")) {
            json_object_set_new(dev, "scsi-id", json_integer(idx % 7));
        } else {
            json_object_set_new(dev, "scsi-id", json_integer(0));
            json_object_set_new(dev, "lun", json_integer(idx % 7));
        }
    } else if (!strcmp(bus, "usb")) {
        json_object_set_new(dev, "driver", json_string("usb-storage"));
        json_object_set_new(dev, "removable", json_boolean(cd));
        wc = NULL;
    } else {
        lv_err_set(err, LV_E_UNSUPPORTED, "domain '%s': disk '%s': a %s on bus "
                   "'%s' cannot be hotplugged (use virtio, scsi or usb, or --config)",
                   def->name, k->target_dev, dom_disk_device_to_str(k->device), bus);
        json_decref(dev);
        return NULL;
    }
    if (wc)
        json_object_set_new(dev, "write-cache", json_string(wc));
    if (k->shareable && strcmp(bus, "usb"))
        json_object_set_new(dev, "share-rw", json_true());
    return dev;
}

static int
hotplug(struct dom_edit_op *op, const struct dom_disk *k, struct lv_err *err)
{
    struct qmp *q;
    char *top = NULL;
    json_t *dev = NULL;
    int ret = -1;

    if (!k->source) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': disk '%s': an empty drive "
                   "cannot be hotplugged", op->name, k->target_dev);
        return -1;
    }
    if (!(dev = device_json(op->live_def, k, "", err)) ||
        !(q = dom_edit_op_qmp(op, err)) || grant_image(op, k, err) < 0 ||
        dom_pci_hotplug_bus(q, op->live_def, dev, err) < 0 ||
        add_nodes(q, k, &top, err) < 0)
        goto out;
    json_object_set_new(dev, "drive", json_string(top));
    lv_log_debug("dom %s: hotplug disk %s on node %s", op->name, k->target_dev, top);
    if (dom_qmp_ok(q, "device_add", json_incref(dev), err) < 0) {
        dom_disk_del_nodes(q, op->name, top);
        goto out;
    }
    ret = 0;
out:
    json_decref(dev);
    free(top);
    return ret;
}

static int
hot_unplug(struct dom_edit_op *op, const struct dom_disk *k, struct lv_err *err)
{
    char *id = dom_disk_qdev_id(k), *top = NULL;
    char *what = lv_asprintf("device '%s'", id);
    struct dom_unplug u = { .name = op->name, .id = id, .what = what };
    struct qmp *q = dom_edit_op_qmp(op, err);
    int ret = -1;

    if (!q || dom_disk_top_node(q, op->name, id, &top, err) < 0 ||
        dom_qmp_unplug(q, &u, err) < 0)
        goto out;
    dom_disk_del_nodes(q, op->name, top);
    ret = 0;
out:
    free(what);
    free(top);
    free(id);
    return ret;
}

static int
check_target_free(const struct dom_def *def, const char *name, const char *target,
                  const char *which, struct lv_err *err)
{
    for (size_t i = 0; def && i < def->n_disks; i++)
        if (def->disks[i].target_dev && !strcmp(def->disks[i].target_dev, target)) {
            lv_err_set(err, LV_E_EXISTS, "domain '%s': target '%s' is already used "
                       "by a disk of the %s definition", name, target, which);
            return -1;
        }
    return 0;
}

/* The one-writer rule for a disk about to be opened by a running guest. */
static int
check_share(struct dom_edit_op *op, const struct dom_disk *k, struct lv_err *err)
{
    struct dom_def *d = dom_def_new();
    int r;

    free(d->name);
    d->name = lv_strdup(op->name);
    d->disks = lv_calloc(1, sizeof(*d->disks));
    d->disks[0] = *k;
    d->n_disks = 1;
    r = dom_disk_check_conflicts(op->c, d, err);
    d->n_disks = 0;          /* k stays the caller's */
    dom_def_free(d);
    return r;
}

int
dom_disk_attach(struct lv_conn *c, const char *name, const struct dom_disk_spec *spec,
                const struct dom_scope *scope, struct lv_err *err)
{
    struct dom_edit_op op = { .c = c, .name = name };
    struct dom_disk k = { 0 }, k2 = { 0 };
    char what[96];
    int plugged = 0, ret = -1;
    size_t at = 0;

    if (!spec->target || dom_def_check_name(spec->target, NULL) < 0 ||
        strlen(spec->target) < 3) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': invalid disk target '%s'",
                   name, spec->target ? spec->target : "");
        return -1;
    }
    snprintf(what, sizeof(what), "attach disk '%s'", spec->target);
    if (dom_edit_op_begin(&op, scope, what, err) < 0)
        return -1;
    if (check_target_free(op.live_def, name, spec->target, "live", err) < 0 ||
        check_target_free(op.conf_def, name, spec->target, "persistent", err) < 0 ||
        disk_from_spec(&k, spec, err) < 0)
        goto out;
    if (op.live) {
        /* QEMU gets the resolved path, checked (dom_paths.h) */
        if (dom_paths_resolve_disk(c, name, &k, err) < 0 ||
            check_share(&op, &k, err) < 0 || hotplug(&op, &k, err) < 0)
            goto out;
        plugged = 1;
        if (op.conf_def && disk_from_spec(&k2, &(struct dom_disk_spec){
                .source = k.source, .target = k.target_dev, .bus = k.target_bus,
                .format = k.driver_type, .device = spec->device,
                .cache = spec->cache, .readonly = k.readonly,
                .shareable = k.shareable }, err) < 0)
            goto out;
        at = op.live_def->n_disks;
        def_add_disk(op.live_def, &k);
        if (op.conf_def)
            def_add_disk(op.conf_def, &k2);
    } else {
        def_add_disk(op.conf_def, &k);
    }
    if (dom_edit_op_commit(&op, err) < 0)
        goto out;
    ret = 0;
out:
    if (ret < 0 && plugged) {
        struct lv_err e2 = LV_ERR_INIT;
        /* k was handed to the live definition at index at, or not yet */
        if (hot_unplug(&op, k.target_dev ? &k : &op.live_def->disks[at], &e2) < 0)
            lv_log_warn("dom %s: cannot undo the hotplug of '%s': %s", name,
                        spec->target, e2.msg);
    }
    {   /* free what was not handed to a definition */
        struct dom_def *tmp = dom_def_new();
        tmp->disks = lv_calloc(2, sizeof(*tmp->disks));
        tmp->disks[0] = k;
        tmp->disks[1] = k2;
        tmp->n_disks = 2;
        dom_def_free(tmp);
    }
    dom_edit_op_end(&op);
    return ret;
}

static long
disk_index(const struct dom_def *def, const char *target)
{
    for (size_t i = 0; def && i < def->n_disks; i++)
        if (def->disks[i].target_dev && !strcmp(def->disks[i].target_dev, target))
            return (long)i;
    return -1;
}

int
dom_disk_detach(struct lv_conn *c, const char *name, const char *target,
                const struct dom_scope *scope, struct lv_err *err)
{
    struct dom_edit_op op = { .c = c, .name = name };
    char what[96];
    long li = -1, ci = -1;
    int ret = -1;

    snprintf(what, sizeof(what), "detach disk '%s'", target);
    if (dom_edit_op_begin(&op, scope, what, err) < 0)
        return -1;
    if (op.live && (li = disk_index(op.live_def, target)) < 0) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': no disk with target '%s' in "
                   "the live definition", name, target);
        goto out;
    }
    if (op.config && (ci = disk_index(op.conf_def, target)) < 0) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': no disk with target '%s' in "
                   "the persistent definition", name, target);
        goto out;
    }
    if (li >= 0) {
        if (hot_unplug(&op, &op.live_def->disks[li], err) < 0)
            goto out;
        dom_disk_remove_at(op.live_def, (size_t)li);
    }
    if (ci >= 0)
        dom_disk_remove_at(op.conf_def, (size_t)ci);
    ret = dom_edit_op_commit(&op, err);
out:
    dom_edit_op_end(&op);
    return ret;
}

/* Swap the medium of a removable drive: open the tray (forced, as libvirt
 * does), remove the old medium and delete its nodes, add and insert the
 * new one, close the tray. */
static int
live_media(struct dom_edit_op *op, const struct dom_disk *k, const char *source,
           const char *fmt, struct lv_err *err)
{
    char *id = dom_disk_qdev_id(k), *old = NULL, *top = NULL;
    struct qmp *q = dom_edit_op_qmp(op, err);
    struct dom_disk nk = *k;
    int ret = -1;

    if (!q || dom_disk_top_node(q, op->name, id, &old, err) < 0 ||
        dom_qmp_ok(q, "blockdev-open-tray", json_pack("{s:s, s:b}", "id", id,
               "force", 1), err) < 0 ||
        dom_qmp_ok(q, "blockdev-remove-medium", json_pack("{s:s}", "id", id), err) < 0)
        goto out;
    dom_disk_del_nodes(q, op->name, old);
    if (source) {
        nk.source = (char *)source;
        nk.type = source_type(source);
        nk.driver_type = (char *)fmt;
        nk.readonly = 1;
        if (grant_image(op, &nk, err) < 0 || add_nodes(q, &nk, &top, err) < 0)
            goto out;
        if (dom_qmp_ok(q, "blockdev-insert-medium", json_pack("{s:s, s:s}", "id", id,
                   "node-name", top), err) < 0) {
            dom_disk_del_nodes(q, op->name, top);
            goto out;
        }
    }
    if (dom_qmp_ok(q, "blockdev-close-tray", json_pack("{s:s}", "id", id), err) < 0)
        goto out;
    ret = 0;
out:
    free(top);
    free(old);
    free(id);
    return ret;
}

static void
set_media(struct dom_disk *k, const char *source, const char *fmt)
{
    if (source)
        k->type = source_type(source);
    free(k->source);
    k->source = source ? lv_strdup(source) : NULL;
    if (fmt) {
        free(k->driver_type);
        k->driver_type = lv_strdup(fmt);
    }
}

static struct dom_disk *
find_removable(const struct dom_def *def, const char *name, const char *key,
               const char *which, struct lv_err *err)
{
    struct dom_disk *k = dom_disk_find(def, key);

    if (!k) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': no disk with target or source "
                   "'%s' in the %s definition", name, key, which);
        return NULL;
    }
    if (k->device != DOM_DISK_CDROM && k->device != DOM_DISK_FLOPPY) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': disk '%s' is not a cdrom or "
                   "floppy: its medium cannot be changed", name, k->target_dev);
        return NULL;
    }
    return k;
}

int
dom_disk_change_media(struct lv_conn *c, const char *name, const char *key,
                      const char *source, const struct dom_scope *scope,
                      struct lv_err *err)
{
    struct dom_edit_op op = { .c = c, .name = name };
    struct dom_disk *lk = NULL, *ck = NULL;
    char *fmt = NULL, what[96];
    int ret = -1;

    snprintf(what, sizeof(what), "change the medium of '%s'", key);
    if (dom_edit_op_begin(&op, scope, what, err) < 0)
        return -1;
    if ((op.live && !(lk = find_removable(op.live_def, name, key, "live", err))) ||
        (op.config && !(ck = find_removable(op.conf_def, name, key, "persistent", err))))
        goto out;
    if (source && access(source, R_OK) < 0) {
        lv_err_sys(err, "domain '%s': cannot use '%s' as a medium", name, source);
        goto out;
    }
    if (source && !(fmt = dom_disk_probe_format(source, err)))
        goto out;
    if (lk && live_media(&op, lk, source, fmt, err) < 0)
        goto out;
    if (lk)
        set_media(lk, source, fmt);
    if (ck)
        set_media(ck, source, fmt);
    ret = dom_edit_op_commit(&op, err);
out:
    free(fmt);
    dom_edit_op_end(&op);
    return ret;
}

int
dom_disk_update_device(struct lv_conn *c, const char *name, const char *xml,
                       const struct dom_scope *scope, struct lv_err *err)
{
    struct dom_def *d = dom_def_parse_device_xml(xml, xml ? strlen(xml) : 0, "disk", err);
    const struct dom_disk *k;
    int ret = -1;

    if (!d)
        return -1;
    k = &d->disks[0];
    if (!k->target_dev) {
        lv_err_set(err, LV_E_XML, "device XML: <disk> has no <target dev=>");
    } else if (k->device != DOM_DISK_CDROM && k->device != DOM_DISK_FLOPPY) {
        lv_err_set(err, LV_E_UNSUPPORTED, "domain '%s': update-device: only the "
                   "medium of a cdrom or floppy can be changed (disk '%s' is a %s)",
                   name, k->target_dev, dom_disk_device_to_str(k->device));
    } else {
        ret = dom_disk_change_media(c, name, k->target_dev, k->source, scope, err);
    }
    dom_def_free(d);
    return ret;
}
