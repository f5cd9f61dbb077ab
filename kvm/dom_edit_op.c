/* dom_edit_op.c - the frame of a change to a guest's definition, live
 * and/or persistent (see dom_edit_op.h). */
#include "dom_edit_op.h"

#include <stdlib.h>
#include <string.h>

#include "dom_store.h"
#include "dom_xml.h"

static int
resolve_scope(struct dom_edit_op *op, const struct dom_scope *scope,
              const char *what, struct lv_err *err)
{
    int running = op->s.st.state != DOM_STATE_SHUTOFF;

    op->live = scope && scope->live;
    op->config = scope && scope->config;
    if (!op->live && !op->config) {
        op->live = running;
        op->config = !running;
    }
    if (op->live && !running) {
        lv_err_set(err, LV_E_STATE, "domain '%s': cannot %s live: not running",
                   op->name, what);
        return -1;
    }
    if (op->config && !dom_store_exists(op->c, op->name)) {
        lv_err_set(err, running ? LV_E_INVALID : LV_E_NO_DOMAIN, running ?
                   "domain '%s': cannot %s in the persistent configuration "
                   "of a transient domain" : "domain '%s': no such domain",
                   op->name, what);
        return -1;
    }
    return 0;
}

int
dom_edit_op_begin(struct dom_edit_op *op, const struct dom_scope *scope,
                 const char *what, struct lv_err *err)
{
    struct lv_conn *c = op->c;
    const char *name = op->name;
    char *path;

    memset(op, 0, sizeof(*op));
    op->c = c;
    op->name = name;
    if (dom_session_begin(&op->s, c, name, what, 0, err) < 0)
        return -1;
    if (resolve_scope(op, scope, what, err) < 0)
        goto fail;
    if (op->config && !(op->conf_def = dom_store_load(c, name, err)))
        goto fail;
    if (op->live) {
        path = dom_run_file(c, name, "live.xml");
        op->live_def = dom_store_load_file(path, name, err);
        free(path);
        if (!op->live_def)
            goto fail;
        op->live_def->id = op->s.st.id;
    }
    return 0;
fail:
    dom_edit_op_end(op);
    return -1;
}

struct qmp *
dom_edit_op_qmp(struct dom_edit_op *op, struct lv_err *err)
{
    return dom_session_qmp(&op->s, err);
}

int
dom_edit_op_commit(struct dom_edit_op *op, struct lv_err *err)
{
    char *path;
    int r;

    if (op->conf_def && dom_store_save(op->c, op->conf_def, err) < 0)
        return -1;
    if (!op->live_def)
        return 0;
    path = dom_run_file(op->c, op->name, "live.xml");
    r = dom_store_save_file(path, op->live_def, DOM_FORMAT_SECURE, err);
    free(path);
    return r;
}

void
dom_edit_op_end(struct dom_edit_op *op)
{
    dom_def_free(op->live_def);
    op->live_def = NULL;
    dom_def_free(op->conf_def);
    op->conf_def = NULL;
    dom_session_end(&op->s);
}
