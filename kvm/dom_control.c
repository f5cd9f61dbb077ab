/* dom_control.c - power, pause and QMP operations on a running guest (see
 * dom_control.h). Each takes the domain's lock for its duration. */
#include "dom_control.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "deadline.h"
#include "dom.h"
#include "dom_agent.h"
#include "dom_def.h"
#include "dom_run.h"
#include "dom_session.h"
#include "dom_store.h"
#include "dom_wait.h"
#include "log.h"
#include "qmp.h"
#include "store.h"
#include "strbuf.h"

/* One QMP command (args taken over) in a session on an active domain. */
static json_t *
run_qmp(struct dom_session *s, const char *cmd, json_t *args, struct lv_err *err)
{
    struct qmp *q = dom_session_qmp(s, err);

    if (!q) {
        json_decref(args);
        return NULL;
    }
    return dom_qmp_run(q, cmd, args, err);
}

/* Lock, check active, run cmd, wait for the status to show new_state
 * (if >= 0). */
static int
simple_op(struct lv_conn *c, const char *name, const char *what,
          const char *cmd, int new_state, struct lv_err *err)
{
    struct dom_session s;
    json_t *r = NULL;
    int ret = -1;

    if (dom_session_begin(&s, c, name, what, DOM_SESSION_ACTIVE, err) < 0)
        return -1;
    r = run_qmp(&s, cmd, NULL, err);
    if (!r) {
        lv_err_prefix(err, "cannot %s: ", what);
        goto out;
    }
    ret = 0;
    /* The supervisor alone writes the run state, from QEMU's events in
     * order; return once it shows what we did, so the next call reads it.
     * Two writers could let a late event's write undo ours. */
    if (new_state >= 0 &&
        dom_wait_state(c, name, (enum dom_state)new_state, DOM_QMP_TIMEOUT_MS, err) < 0) {
        lv_err_prefix(err, "%s: QEMU did it, but the supervisor did not record it: ",
                      what);
        ret = -1;
    }
out:
    json_decref(r);
    dom_session_end(&s);
    return ret;
}

/* 1 if the running guest was given ACPI, so that system_powerdown reaches
 * it (QEMU runs without ACPI when <acpi/> is absent: the request would be
 * dropped and a wait would only time out); 0 if not, or with err set. */
static int
has_acpi(struct lv_conn *c, const char *name, struct lv_err *err)
{
    struct dom_def *def = dom_get_def(c, name, 0, err);
    int r = 0;

    if (!def)
        return 0;
    for (size_t i = 0; i < def->n_features; i++) {
        const char *state = lv_attrs_get(&def->features[i].attrs, "state");
        if (strcmp(def->features[i].name, "acpi") == 0 &&
            (!state || strcmp(state, "off") != 0))
            r = 1;
    }
    dom_def_free(def);
    return r;
}

int
dom_shutdown(struct lv_conn *c, const char *name, enum dom_shutdown_mode m,
             struct lv_err *err)
{
    struct dom_status st;

    if (m == DOM_SHUTDOWN_AGENT)
        return dom_agent_shutdown(c, name, err);

    /* a guest that is not running gets simple_op's own error */
    if (dom_status_read(c, name, &st, NULL) == 0 && st.state != DOM_STATE_SHUTOFF &&
        !has_acpi(c, name, err)) {
        if (err->code == LV_E_OK)
            lv_err_set(err, LV_E_UNSUPPORTED, "domain '%s': cannot shut down: the "
                       "guest has no ACPI (<features><acpi/>) to ask; use destroy",
                       name);
        return -1;
    }
    return simple_op(c, name, "shut down", "system_powerdown", -1, err);
}

int
dom_reset(struct lv_conn *c, const char *name, struct lv_err *err)
{
    return simple_op(c, name, "reset", "system_reset", -1, err);
}

int
dom_suspend(struct lv_conn *c, const char *name, struct lv_err *err)
{
    return simple_op(c, name, "suspend", "stop", DOM_STATE_PAUSED, err);
}

int
dom_resume(struct lv_conn *c, const char *name, struct lv_err *err)
{
    return simple_op(c, name, "resume", "cont", DOM_STATE_RUNNING, err);
}

int
dom_reboot(struct lv_conn *c, const char *name, struct lv_err *err)
{
    struct dom_session s;
    char *flag = NULL;
    json_t *r = NULL;
    int ret = -1;

    if (dom_session_begin(&s, c, name, "reboot", DOM_SESSION_ACTIVE, err) < 0)
        return -1;
    flag = dom_run_file(c, name, "reboot-requested");
    if (lv_store_write_atomic(flag, "1\n", 2, 0600, err) < 0)
        goto out;
    r = run_qmp(&s, "system_powerdown", NULL, err);
    if (!r) {
        unlink(flag);
        lv_err_prefix(err, "cannot reboot: ");
        goto out;
    }
    ret = 0;
out:
    json_decref(r);
    free(flag);
    dom_session_end(&s);
    return ret;
}

int
dom_destroy(struct lv_conn *c, const char *name, int timeout_ms,
            struct lv_err *err)
{
    struct dom_session s;
    struct dom_status st;
    char *flag = NULL;
    int pfd = -1, ret = -1;

    if (dom_session_begin(&s, c, name, "destroy", DOM_SESSION_ACTIVE, err) < 0)
        return -1;
    st = s.st;
    if (timeout_ms <= 0)
        timeout_ms = 10000;
    flag = dom_run_file(c, name, "destroy-requested");
    if (lv_store_write_atomic(flag, "1\n", 2, 0600, err) < 0)
        goto out;
    pfd = lv_pidfd_open(st.sup_pid);
    /* the pid is the supervisor's only while it still holds the lock */
    if (pfd < 0 || dom_run_active(c, name, NULL) != 1) {
        ret = 0;  /* it exited in between: the guest is down */
        goto out;
    }
    if (st.qemu_pid > 0)
        kill(st.qemu_pid, SIGTERM);
    if (lv_pidfd_wait(pfd, lv_deadline(timeout_ms)) != 1) {
        lv_log_warn("dom %s: QEMU ignored SIGTERM for %d ms; killing it",
                    name, timeout_ms);
        if (st.qemu_pid > 0)
            kill(st.qemu_pid, SIGKILL);
        if (lv_pidfd_wait(pfd, lv_deadline(10000)) != 1) {
            lv_err_set(err, LV_E_TIMEOUT,
                       "domain '%s': cannot destroy: supervisor %d did not exit",
                       name, (int)st.sup_pid);
            goto out;
        }
    }
    ret = 0;
out:
    if (pfd >= 0)
        close(pfd);
    free(flag);
    dom_session_end(&s);
    return ret;
}

json_t *
dom_qmp(struct lv_conn *c, const char *name, const char *cmd, json_t *args,
        struct lv_err *err)
{
    struct dom_session s;
    json_t *r;

    if (dom_session_begin(&s, c, name, "run a monitor command", DOM_SESSION_ACTIVE,
                          err) < 0)
        return NULL;
    r = run_qmp(&s, cmd, json_incref(args), err);   /* the caller keeps args */
    dom_session_end(&s);
    return r;
}

char *
dom_monitor_command(struct lv_conn *c, const char *name, const char *text,
                    int hmp, struct lv_err *err)
{
    struct dom_session s;
    struct qmp *q = NULL;
    char *out = NULL;

    if (dom_session_begin(&s, c, name, "run a monitor command", DOM_SESSION_ACTIVE,
                          err) < 0)
        return NULL;
    q = dom_session_qmp(&s, err);
    if (!q)
        goto out;
    if (hmp) {
        out = qmp_hmp(q, text, DOM_QMP_TIMEOUT_MS, err);
    } else {
        json_t *r = qmp_execute_raw(q, text, DOM_QMP_TIMEOUT_MS, err);
        if (r)
            out = json_dumps(r, JSON_COMPACT);
        json_decref(r);
    }
out:
    dom_session_end(&s);
    return out;
}
