/* dom_res_op.h - the frame of a change to a guest's resources (vCPUs,
 * memory, pinning): its lock and QMP session, the scope of --live and
 * --config resolved as virsh does, and the definitions loaded and written
 * back. Like dom_disk_op, for the resource subjects (dom_vcpu.c,
 * dom_mem.c). */
#ifndef LV_DOM_RES_OP_H
#define LV_DOM_RES_OP_H

#include "dom_def.h"
#include "dom_session.h"

/* --live / --config as given; neither: the current state's ("current"). */
struct dom_res_scope {
    int live, config;
};

struct dom_res_op {
    struct lv_conn *c;
    const char *name;           /* borrowed */
    struct dom_session s;       /* lock, status, QMP */
    int live, config;           /* resolved */
    struct dom_def *live_def;   /* live.xml, when live */
    struct dom_def *conf_def;   /* the persistent definition, when config */
};

/* Lock op->name (op->c and op->name set by the caller, the rest is
 * reset) and load what scope covers; what ("set vcpus") names the
 * operation in errors: --live on a shut-off guest is LV_E_STATE, --config
 * of a transient one LV_E_INVALID. On failure op holds nothing. */
int dom_res_op_begin(struct dom_res_op *op, const struct dom_res_scope *scope,
                     const char *what, struct lv_err *err);
/* The guest's QMP connection (opened once; op owns it). */
struct qmp *dom_res_op_qmp(struct dom_res_op *op, struct lv_err *err);
/* Write the changed definitions: the persistent one, then live.xml. */
int dom_res_op_commit(struct dom_res_op *op, struct lv_err *err);
/* Release what op holds; safe on a zeroed or failed op. */
void dom_res_op_end(struct dom_res_op *op);

#endif
