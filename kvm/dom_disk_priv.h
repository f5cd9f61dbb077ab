/* dom_disk_priv.h - shared between the files of the disk subject
 * (dom_disk.c, dom_disk_op.c, dom_disk_query.c, dom_disk_share.c): a locked
 * change to a guest's disks with its live and persistent definitions, and
 * the QMP helpers that find a disk's block nodes. Not for other modules. */
#ifndef LV_DOM_DISK_PRIV_H
#define LV_DOM_DISK_PRIV_H

#include <jansson.h>

#include "dom_disk.h"
#include "dom_run.h"
#include "dom_session.h"
#include "qmp.h"

/* One change to name's disks, under its lock. */
struct dom_disk_op {
    struct lv_conn *c;
    const char *name;           /* borrowed */
    struct dom_session s;       /* the lock, the status, the QMP connection */
    int live, config;           /* resolved scope */
    struct dom_def *live_def;   /* <run>/qemu/NAME/live.xml, when live */
    struct dom_def *conf_def;   /* the persistent definition, when config */
};

/* Lock name, read its state, resolve the scope ("current" when neither is
 * set) and load the definitions it covers. what ("attach disk 'vdb'")
 * names the operation in errors. On failure op holds nothing. */
int dom_disk_op_begin(struct dom_disk_op *op, struct lv_conn *c,
                      const char *name, const struct dom_disk_scope *scope,
                      const char *what, struct lv_err *err);
/* The guest's QMP connection (opened once; op owns it). */
struct qmp *dom_disk_op_qmp(struct dom_disk_op *op, struct lv_err *err);
/* Write the changed definitions: the persistent one, then live.xml. */
int dom_disk_op_commit(struct dom_disk_op *op, struct lv_err *err);
/* Release everything op holds; safe on a zeroed or failed op. */
void dom_disk_op_end(struct dom_disk_op *op);

/* The QEMU device id of disk k: its alias, else "disk-TARGET" as the argv
 * builder names it (malloc'd). */
char *dom_disk_qdev_id(const struct dom_disk *k);
/* Does query-block/query-blockstats' "qdev" value name device id? */
int dom_disk_qdev_match(const char *qdev, const char *id);
/* The node name of the medium in device id (malloc'd into *node, NULL when
 * the drive is empty). Returns 0, or -1 with err (no such device). */
int dom_disk_top_node(struct qmp *q, const char *name, const char *id,
                      char **node, struct lv_err *err);
/* blockdev-del node and, when node is a "...-format" node, its
 * "...-storage" sibling; failures (nodes QEMU owns itself) are logged. */
void dom_disk_del_nodes(struct qmp *q, const char *name, const char *node);
/* The image format of path by `qemu-img info` (malloc'd), or NULL + err. */
char *dom_disk_probe_format(const char *path, struct lv_err *err);
/* Remove disk i from def (freed). */
void dom_disk_remove_at(struct dom_def *def, size_t i);
/* Are paths a and b the same file (same device and inode, else same
 * string)? */
int dom_disk_same_file(const char *a, const char *b);

#endif
