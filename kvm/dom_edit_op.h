/* dom_edit_op.h - the frame of every change to a guest's definition that
 * may also reach the running guest (disks, vCPUs, memory, pinning): its
 * lock and QMP session, the scope of --live and --config resolved as virsh
 * does, and the definitions loaded and written back. */
#ifndef LV_DOM_EDIT_OP_H
#define LV_DOM_EDIT_OP_H

#include "dom_def.h"
#include "dom_session.h"

/* Which definitions a change applies to, like virsh's --live/--config.
 * Both 0 means "current": live when running, else config. */
struct dom_scope {
    int live, config;
};

struct dom_edit_op {
    struct lv_conn *c;
    const char *name;           /* borrowed */
    struct dom_session s;       /* lock, status, QMP */
    int live, config;           /* resolved */
    struct dom_def *live_def;   /* live.xml, when live */
    struct dom_def *conf_def;   /* the persistent definition, when config */
};

/* Lock op->name (op->c and op->name set by the caller, the rest is
 * reset), resolve the scope ("current" when neither is set) and load what
 * it covers; what ("set vcpus", "attach disk 'vdb'") names the operation
 * in errors: --live on a shut-off guest is LV_E_STATE, --config of a
 * transient one LV_E_INVALID. On failure op holds nothing. */
int dom_edit_op_begin(struct dom_edit_op *op, const struct dom_scope *scope,
                     const char *what, struct lv_err *err);
/* The guest's QMP connection (opened once; op owns it). */
struct qmp *dom_edit_op_qmp(struct dom_edit_op *op, struct lv_err *err);
/* Write the changed definitions: the persistent one, then live.xml. */
int dom_edit_op_commit(struct dom_edit_op *op, struct lv_err *err);
/* Release what op holds; safe on a zeroed or failed op. */
void dom_edit_op_end(struct dom_edit_op *op);

#endif
