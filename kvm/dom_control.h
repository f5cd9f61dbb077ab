/* dom_control.h - acting on a running guest: power button, destroy,
 * reboot, reset, pause/resume, and raw QMP, each over the guest's QMP
 * monitor or with signals checked against the supervisor's lock. */
#ifndef LV_DOM_CONTROL_H
#define LV_DOM_CONTROL_H

#include <jansson.h>

#include "conn.h"
#include "err.h"

enum dom_shutdown_mode { DOM_SHUTDOWN_ACPI = 0, DOM_SHUTDOWN_AGENT };

/* Press the ACPI power button (virsh shutdown); returns once QEMU took the
 * request, without waiting for the guest. */
int dom_shutdown(struct lv_conn *c, const char *name, enum dom_shutdown_mode m,
                 struct lv_err *err);
/* Stop QEMU now (SIGTERM, then SIGKILL after timeout_ms) and wait until the
 * supervisor has recorded the guest as shut off (reason destroyed). */
int dom_destroy(struct lv_conn *c, const char *name, int timeout_ms,
                struct lv_err *err);
/* ACPI reboot: a power-off request that the supervisor answers by a reset. */
int dom_reboot(struct lv_conn *c, const char *name, struct lv_err *err);
int dom_reset(struct lv_conn *c, const char *name, struct lv_err *err);
int dom_suspend(struct lv_conn *c, const char *name, struct lv_err *err);
int dom_resume(struct lv_conn *c, const char *name, struct lv_err *err);

/* Run one QMP command on a running guest; returns the "return" value (new
 * reference) or NULL with err. */
json_t *dom_qmp(struct lv_conn *c, const char *name, const char *cmd,
                json_t *args, struct lv_err *err);
/* virsh qemu-monitor-command: raw JSON text or (hmp) a human monitor line;
 * returns the reply text (malloc'd). */
char *dom_monitor_command(struct lv_conn *c, const char *name, const char *text,
                          int hmp, struct lv_err *err);

#endif
