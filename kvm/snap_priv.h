/* snap_priv.h - shared by the snapshot files (snap.c: metadata and the
 * operations' order; snap_internal.c: qcow2 internal snapshots and the QMP
 * helpers; snap_external.c: disk-only overlays) and by dom_save.c, which
 * uses the same QMP helpers. Not for other subjects. */
#ifndef LV_SNAP_PRIV_H
#define LV_SNAP_PRIV_H

#include <jansson.h>
#include <stddef.h>

#include "conn.h"
#include "dom_def.h"
#include "err.h"
#include "dom_session.h"
#include "qmp.h"
#include "snap_def.h"
#include "snap.h"

#define SNAP_JOB_TIMEOUT_MS 600000

/* The directory of dom's snapshot metadata, and a file in it: NAME + ext
 * (".xml", ".pending"); malloc'd (snap.c). */
char *snap_dir(const struct lv_conn *c, const char *dom);
char *snap_file(const struct lv_conn *c, const char *dom, const char *name,
                const char *ext);
/* Run a QMP job command (args gets "job-id": job_id added), wait with a
 * deadline until it concludes (JOB_STATUS_CHANGE events), read its error
 * (query-jobs) and dismiss it. 0, or -1 with QEMU's reason. */
int snap_qmp_job(struct qmp *q, const char *dom, const char *cmd, json_t *args,
                 const char *job_id, int timeout_ms, struct lv_err *err);
/* Dismiss the concluded jobs of luavirt (ids "luavirt-...") that a killed
 * command left in QEMU; snap_qmp_job does it before each job. 0 or -1. */
int snap_qmp_dismiss_stale(struct qmp *q, const char *dom, struct lv_err *err);
/* The top block node of disk k of the running guest (query-block, by the
 * device id), and its driver (qcow2, raw). Both malloc'd. */
int snap_qmp_node(struct qmp *q, const char *dom, const struct dom_disk *k,
                  char **node, char **drv, struct lv_err *err);

/* The disks whose state a snapshot takes: writable disks with an image. */
int snap_disk_wanted(const struct dom_disk *k);

/* Internal snapshots: memory + disks of a running guest (QMP), disks of a
 * shut-off one (qemu-img). sdef's disks are filled in on create. */
int snap_internal_create(struct lv_conn *c, const char *dom,
                         const struct dom_def *def, int active,
                         struct snap_def *sdef, struct lv_err *err);
int snap_internal_revert(struct lv_conn *c, const char *dom,
                         const struct dom_def *def, int active,
                         const struct snap_def *sdef, struct lv_err *err);
int snap_internal_delete(struct lv_conn *c, const char *dom,
                         const struct dom_def *def, int active,
                         const struct snap_def *sdef, struct lv_err *err);

/* Remove the internal snapshot tag from the disks that hold it (a killed
 * create's half-made snapshot): a snapshot-delete job on a running guest,
 * qemu-img snapshot -d on the images holding it of a shut-off one. 0 when
 * nothing holds it (any more), -1 with err. */
int snap_internal_drop(struct lv_conn *c, const char *dom, const struct dom_def *def,
                       int active, const char *tag, struct lv_err *err);

/* Half-made snapshots (issue 11): a marker DIR/NAME.pending is written
 * before an internal snapshot is taken and removed once its metadata is
 * stored. snap_pending_clean, under the domain's lock, settles what a
 * killed create left: a snapshot whose metadata was stored (the last
 * step) is kept, any other is removed from the disks. */
int snap_pending_mark(struct lv_conn *c, const char *dom, const char *name,
                      struct lv_err *err);
void snap_pending_clear(struct lv_conn *c, const char *dom, const char *name);
int snap_pending_clean(struct lv_conn *c, const char *dom, struct lv_err *err);

/* Disk-only external snapshot: an overlay per disk, the running guest
 * switched to it, live and persistent XML updated. */
int snap_external_create(struct lv_conn *c, const char *dom,
                         const struct dom_def *def, int active,
                         struct snap_def *sdef, struct lv_err *err);

#endif
