/* dom_disk_priv.h - shared between the files of the disk subject
 * (dom_disk.c, dom_disk_op.c, dom_disk_query.c, dom_disk_share.c): the QMP
 * helpers that find a disk's block nodes. Not for other modules. */
#ifndef LV_DOM_DISK_PRIV_H
#define LV_DOM_DISK_PRIV_H

#include <jansson.h>

#include "dom_disk.h"
#include "dom_edit_op.h"
#include "dom_run.h"
#include "dom_session.h"
#include "qmp.h"

/* A change to name's disks runs in a struct dom_edit_op (dom_edit_op.h). */
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
