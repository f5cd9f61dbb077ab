/* snap.h - domain snapshots: create, list, revert and delete, with their
 * metadata in libvirt's snapshot XML at <lib>/qemu/snapshot/DOMAIN/NAME.xml
 * (like /var/lib/libvirt/qemu/snapshot), written atomically under the
 * domain's lock, with parent links and one current snapshot. */
#ifndef LV_SNAP_H
#define LV_SNAP_H

#include <stddef.h>

#include "conn.h"
#include "err.h"
#include "snap_def.h"

struct snap_create_opts {
    const char *name;          /* NULL: the creation time */
    const char *description;
    const char *xml;           /* snapshot-create: <domainsnapshot> text */
    int disk_only;             /* external overlays, no memory */
    int atomic;                /* all disks or none (always so here) */
};

/* Take a snapshot of domain dom. The new snapshot becomes current, its
 * parent the previous current one. *name_out (may be NULL) gets its name
 * (malloc'd). Nothing is left behind on failure. */
int snap_create(struct lv_conn *c, const char *dom,
                const struct snap_create_opts *o, char **name_out,
                struct lv_err *err);

/* All snapshots of dom, oldest first (by creation time, then name). */
int snap_list(struct lv_conn *c, const char *dom, struct snap_def ***out,
              size_t *n, struct lv_err *err);
void snap_list_free(struct snap_def **defs, size_t n);

/* One snapshot's definition (caller frees); LV_E_NO_SNAPSHOT if none. */
struct snap_def *snap_get(struct lv_conn *c, const char *dom, const char *name,
                          struct lv_err *err);
/* Its XML as snapshot-dumpxml prints it. */
char *snap_get_xml(struct lv_conn *c, const char *dom, const char *name,
                   struct lv_err *err);
/* The current snapshot's name (malloc'd), or NULL: with err->code
 * LV_E_OK when there is none, else an error. */
char *snap_current(struct lv_conn *c, const char *dom, struct lv_err *err);
/* Number of children of name (descendants if all). */
int snap_children(struct lv_conn *c, const char *dom, const char *name,
                  int all, struct lv_err *err);

enum snap_revert_state { SNAP_REVERT_AS_SAVED = 0, SNAP_REVERT_RUNNING,
                         SNAP_REVERT_PAUSED };
/* Bring dom back to snapshot name: its disks, and its memory when the
 * snapshot has one (the guest then runs or is paused as it was, unless
 * told). The snapshot becomes current. */
int snap_revert(struct lv_conn *c, const char *dom, const char *name,
                enum snap_revert_state st, struct lv_err *err);

enum {
    SNAP_DELETE_CHILDREN = 1 << 0,      /* the snapshot and its descendants */
    SNAP_DELETE_CHILDREN_ONLY = 1 << 1, /* only its descendants */
    SNAP_DELETE_METADATA = 1 << 2,      /* only luavirt's metadata */
};
/* Delete snapshot name (and/or its descendants). *removed gets the names
 * removed, in order (free with snap_names_free). Children of a deleted
 * snapshot move to its parent; a snapshot whose images another needs is
 * refused, naming it. */
int snap_delete(struct lv_conn *c, const char *dom, const char *name,
                unsigned flags, char ***removed, size_t *n_removed,
                struct lv_err *err);
void snap_names_free(char **names, size_t n);

/* Metadata as a whole, for undefine and domrename; the caller holds dom's
 * lock. snap_count: how many snapshots dom has metadata for (0: none), or
 * -1. snap_metadata_rename: move it all to new_dom (nothing to move is
 * fine; LV_E_EXISTS if new_dom has some). snap_metadata_remove: delete it
 * (undefine --snapshots-metadata); internal snapshots and overlays stay in
 * the images, as with libvirt. */
int snap_count(const struct lv_conn *c, const char *dom, struct lv_err *err);
int snap_metadata_rename(const struct lv_conn *c, const char *dom,
                         const char *new_dom, struct lv_err *err);
int snap_metadata_remove(const struct lv_conn *c, const char *dom,
                         struct lv_err *err);

/* 1 if the snapshot has an external disk or memory (snap_external.c). */
int snap_is_external(const struct snap_def *sdef);

#endif
