/* dom_session.h - one session with a domain for every operation on it:
 * the domain's lock held for the operation, its run status, and one QMP
 * connection opened on first use; plus the one way to run a QMP command
 * (arguments taken over) with the one monitor timeout. */
#ifndef LV_DOM_SESSION_H
#define LV_DOM_SESSION_H

#include <jansson.h>

#include "conn.h"
#include "dom_run.h"
#include "qmp.h"

/* How long one monitor command may take before QEMU counts as hung. */
#define DOM_QMP_TIMEOUT_MS 10000
/* How long a guest gets to release a device it was asked to unplug. */
#define DOM_UNPLUG_TIMEOUT_MS 30000

enum {
    DOM_SESSION_ACTIVE = 1 << 0,   /* refuse a shut-off domain */
};

struct dom_session {
    struct lv_conn *c;
    const char *name;       /* borrowed */
    int lock_fd;
    struct dom_status st;
    struct qmp *q;          /* opened by dom_session_qmp */
};

/* Check name, take its lock, read its status. what ("attach disk 'vdb'")
 * names the operation in errors: LV_E_NO_DOMAIN for an unknown name,
 * LV_E_STATE "cannot WHAT: not running" with DOM_SESSION_ACTIVE. On
 * failure s holds nothing. */
int dom_session_begin(struct dom_session *s, struct lv_conn *c, const char *name,
                      const char *what, unsigned flags, struct lv_err *err);
/* The domain's QMP connection, opened once; s owns it. */
struct qmp *dom_session_qmp(struct dom_session *s, struct lv_err *err);
/* Close the connection and release the lock; safe on a zeroed s. */
void dom_session_end(struct dom_session *s);

/* A QMP connection to a running domain outside a session (the caller holds
 * the lock some other way); qmp_close it. */
struct qmp *dom_qmp_connect(const struct lv_conn *c, const char *name,
                            struct lv_err *err);
/* Run cmd with args (taken over; NULL for none) within DOM_QMP_TIMEOUT_MS:
 * the reply (new reference) or NULL with err naming the domain. With
 * fd >= 0 the fd goes along (getfd, add-fd). */
json_t *dom_qmp_run(struct qmp *q, const char *cmd, json_t *args, struct lv_err *err);
json_t *dom_qmp_run_fd(struct qmp *q, const char *cmd, json_t *args, int fd,
                       struct lv_err *err);
/* dom_qmp_run without the reply: 0 or -1 with err. */
int dom_qmp_ok(struct qmp *q, const char *cmd, json_t *args, struct lv_err *err);

/* One device_del and the wait for the guest to let the device go (ACPI or
 * PCIe hotplug: slow under TCG), within DOM_UNPLUG_TIMEOUT_MS. done says
 * what an event means: 1 gone, 0 not yet, -1 refused (err set); NULL waits
 * for DEVICE_DELETED of id. what ("device 'net0'", "vcpu 2") names it in
 * the timeout error. */
struct dom_unplug {
    const char *name;   /* the domain */
    const char *id;     /* the device id given to device_del */
    const char *what;
    int (*done)(json_t *ev, void *arg, struct lv_err *err);
    void *arg;
};
int dom_qmp_unplug(struct qmp *q, const struct dom_unplug *u, struct lv_err *err);

#endif
