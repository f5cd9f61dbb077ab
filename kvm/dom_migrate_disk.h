/* dom_migrate_disk.h - the disks of a migration that copies storage (virsh
 * migrate --copy-storage-all / --copy-storage-inc), over NBD as libvirt
 * does it:
 *   source       dom_migrate_disks_list: each disk that moves, its image's
 *                format, size and (inc) backing file
 *   destination  dom_migrate_disks_create: the images made where missing,
 *                at the same paths; dom_migrate_nbd_serve: QEMU, started
 *                with -incoming, exports them on an NBD server listening
 *                for this one migration; dom_migrate_nbd_stop at the end
 *   source       dom_migrate_mirror_start/_ready: QEMU mirrors each disk
 *                into its export while the guest runs (blockdev-mirror);
 *                dom_migrate_mirror_end once the memory is copied and the
 *                guest paused (pre-switchover): the copies are complete.
 * A disk moves when it is a writable disk (not a CD-ROM, not read-only,
 * not shareable) of a local file or block device. */
#ifndef LV_DOM_MIGRATE_DISK_H
#define LV_DOM_MIGRATE_DISK_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "dom_def.h"
#include "err.h"
#include "qmp.h"

enum dom_migrate_copy {
    DOM_MIGRATE_COPY_NONE = 0,  /* shared storage */
    DOM_MIGRATE_COPY_ALL,       /* each image in full (--copy-storage-all) */
    DOM_MIGRATE_COPY_INC,       /* the top images only; their backing files
                                 * are there already (--copy-storage-inc) */
};

/* "all", "inc" (or "none", NULL) -> the mode; -1 for another word. */
int dom_migrate_copy_from_str(const char *s);

struct dom_migrate_disk {
    char *target;          /* vda */
    char *path;            /* the image, at the same path on both hosts */
    char *format;          /* qcow2, raw, ... */
    uint64_t size;         /* its virtual size, bytes */
    char *backing;         /* inc: the backing file the copy keeps, or NULL */
    char *backing_format;
};
void dom_migrate_disks_free(struct dom_migrate_disk *d, size_t n);

/* Does disk k move with its guest? */
int dom_migrate_disk_moves(const struct dom_disk *k);

/* Source: the disks of the running guest name that move (none: n = 0). */
int dom_migrate_disks_list(struct lv_conn *c, const char *name, enum dom_migrate_copy mode,
                           struct dom_migrate_disk **out, size_t *n, struct lv_err *err);

/* Destination, before the guest starts: for each disk of def that moves,
 * its image must be described in d[] (by target); an image that is there
 * is used if it is big enough, one that is not is made (qemu-img create,
 * with the backing file for inc) and named in *created (malloc'd paths,
 * NULL-terminated; NULL when none). With COPY_ALL the disks of def lose
 * their backing chains (the copies stand alone). On failure nothing is
 * left made. */
int dom_migrate_disks_create(struct dom_def *def, enum dom_migrate_copy mode,
                             const struct dom_migrate_disk *d, size_t n, char ***created,
                             struct lv_err *err);
/* Remove the images a failed migration made (created as above; freed). */
void dom_migrate_disks_remove(char **created);

/* A TCP socket listening on addr, on a port the kernel picks (*port):
 * the fd, or -1 with err. */
int dom_migrate_listen_tcp(const char *addr, int *port, struct lv_err *err);

/* Destination, QEMU waiting (-incoming): an NBD server on listen_fd (a
 * socket this process listens on, handed to QEMU: the port or path is this
 * migration's from the first moment, and QEMU needs no right to bind; the
 * caller closes its fd), each moving disk of def exported writable under
 * its target's name. */
int dom_migrate_nbd_serve(struct qmp *q, const struct dom_def *def, int listen_fd,
                          struct lv_err *err);
/* Destination, the stream complete: the server goes (none: nothing). */
void dom_migrate_nbd_stop(struct qmp *q, const char *name);

/* Source: mirror each moving disk of def into the export of that name on
 * nbd ("HOST:PORT", "[V6]:PORT", or "unix:PATH": a socket this process
 * connects to for QEMU, one connection per disk, as the end of an ssh
 * tunnel). On failure the mirrors started are cancelled. */
int dom_migrate_mirror_start(struct qmp *q, const struct dom_def *def, const char *nbd,
                             enum dom_migrate_copy mode, struct lv_err *err);
/* 1 when every mirror is in step, 0 not yet, -1 with err when one failed;
 * *done and *total: bytes copied and to copy, all disks together. */
int dom_migrate_mirror_ready(struct qmp *q, const struct dom_def *def, uint64_t *done,
                             uint64_t *total, struct lv_err *err);
/* Source: end the mirrors: complete = 1 (the guest is paused and every
 * mirror in step) leaves complete copies there; 0 abandons them. Either
 * way the jobs and the NBD connections go. -1 with err when a copy could
 * not be completed. */
int dom_migrate_mirror_end(struct qmp *q, const struct dom_def *def, int complete,
                           struct lv_err *err);

#endif
