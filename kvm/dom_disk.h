/* dom_disk.h - a guest's disks while it runs and in its definition: hotplug
 * and unplug over QMP (blockdev-add + device_add, device_del + blockdev-del),
 * CD-ROM media changes, block listings, sizes and I/O statistics, resize,
 * the "one writer per image" rule between guests, and undefine with
 * --remove-all-storage. Live changes also rewrite <run>/qemu/NAME/live.xml. */
#ifndef LV_DOM_DISK_H
#define LV_DOM_DISK_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "dom_def.h"
#include "dom_edit_op.h"
#include "err.h"

/* A disk to attach (virsh attach-disk). Strings are borrowed. */
struct dom_disk_spec {
    const char *source;    /* file or block device; NULL: empty cdrom */
    const char *target;    /* vdb, sdb, hdc */
    const char *bus;       /* NULL: from the target prefix */
    const char *format;    /* raw|qcow2; NULL: qemu-img info decides */
    const char *device;    /* disk|cdrom|floppy; NULL: disk */
    const char *cache;     /* NULL: default */
    int readonly;
    int shareable;
};

/* Attach a disk to name's live guest and/or definition. On a running guest
 * the image is opened by QEMU (blockdev-add) and the device plugged
 * (device_add, id "disk-TARGET", the argv builder's scheme). A target taken
 * in either definition is LV_E_EXISTS; an image a running guest opens
 * writable is LV_E_BUSY naming it. Nothing changes on failure. */
int dom_disk_attach(struct lv_conn *c, const char *name,
                    const struct dom_disk_spec *spec,
                    const struct dom_scope *scope, struct lv_err *err);

/* Detach the disk with target dev from name: device_del, waiting for the
 * guest to release it (DEVICE_DELETED, with a deadline), then blockdev-del
 * of its nodes; and/or remove it from the definition. */
int dom_disk_detach(struct lv_conn *c, const char *name, const char *target,
                    const struct dom_scope *scope, struct lv_err *err);

/* Change a CD-ROM or floppy's medium: eject (source NULL) or insert/update
 * source. key is the target dev or the current source path. */
int dom_disk_change_media(struct lv_conn *c, const char *name, const char *key,
                          const char *source, const struct dom_scope *scope,
                          struct lv_err *err);

/* virsh update-device with a <disk> element: changes the medium of the
 * cdrom/floppy with the same target. xml is the element's text. */
int dom_disk_update_device(struct lv_conn *c, const char *name, const char *xml,
                           const struct dom_scope *scope, struct lv_err *err);

/* Sizes of one disk in bytes, like virDomainGetBlockInfo. */
struct dom_disk_info {
    uint64_t capacity;     /* the guest's view (virtual size) */
    uint64_t allocation;   /* host bytes in use */
    uint64_t physical;     /* host file or device size */
};
int dom_disk_block_info(struct lv_conn *c, const char *name, const char *target,
                        struct dom_disk_info *out, struct lv_err *err);

/* I/O counters of one disk of a running guest (query-blockstats);
 * times in ns. */
struct dom_disk_stats {
    long long rd_req, rd_bytes, wr_req, wr_bytes, flush_operations;
    long long rd_total_times, wr_total_times, flush_total_times;
};
int dom_disk_block_stats(struct lv_conn *c, const char *name, const char *target,
                         struct dom_disk_stats *out, struct lv_err *err);

/* Grow (or shrink) the image of a running guest's disk to size bytes
 * (block_resize). */
int dom_disk_block_resize(struct lv_conn *c, const char *name, const char *target,
                          uint64_t size, struct lv_err *err);

/* The QMP node of the medium of running disk k (malloc'd into *node), or -1
 * with err naming the domain and disk (no such device, an empty drive). */
struct qmp;
int dom_disk_live_node(struct qmp *q, const char *name, const struct dom_disk *k,
                       char **node, struct lv_err *err);

/* The disk of def with target dev or source path key; NULL if none. */
struct dom_disk *dom_disk_find(const struct dom_def *def, const char *key);

/* Before def (about to start as def->name) opens its disks: fail with
 * LV_E_BUSY if a writable disk's image is open in another running guest, or
 * an image def opens is open writable elsewhere, unless both sides mark it
 * <shareable/>. The message names the other guest and the path. */
int dom_disk_check_conflicts(struct lv_conn *c, const struct dom_def *def,
                             struct lv_err *err);

/* One disk image handled by dom_disk_undefine_storage. */
struct dom_disk_removed {
    char *target;
    char *path;
    int removed;           /* 1: deleted; 0: kept (why says why) */
    char *why;
};
void dom_disk_removed_free(struct dom_disk_removed *r, size_t n);

/* virsh undefine --remove-all-storage: name must be shut off. First checks
 * that no other defined or running guest uses any of its disk images
 * (LV_E_BUSY, nothing changed), then undefines it (flags as
 * dom_undefine) and deletes the images: pool volumes through the storage
 * layer, other regular files with unlink; block devices outside pools and
 * CD-ROM media are kept. *out lists every disk with a source. On a
 * failure after the undefine, *out still lists what was done. */
int dom_disk_undefine_storage(struct lv_conn *c, const char *name,
                              unsigned flags, struct dom_disk_removed **out,
                              size_t *n, struct lv_err *err);

#endif
