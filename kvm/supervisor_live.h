/* supervisor_live.h - the last steps of a start, done by the supervisor over
 * its QMP monitor before the guest runs: graphics passwords (never on the
 * command line), and the runtime values (pty paths, VNC port) written into
 * the live XML and the status. */
#ifndef LV_SUPERVISOR_LIVE_H
#define LV_SUPERVISOR_LIVE_H

#include "dom_run.h"
#include "err.h"
#include "qmp.h"

int sup_apply_live_settings(struct qmp *q, const char *run_dir, const char *name,
                            struct dom_status *st, struct lv_err *err);

#endif
