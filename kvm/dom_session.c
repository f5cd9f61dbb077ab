/* dom_session.c - the domain session and the QMP command runner (see
 * dom_session.h). */
#include "dom_session.h"

#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "dom_store.h"
#include "store.h"

int
dom_session_begin(struct dom_session *s, struct lv_conn *c, const char *name,
                  const char *what, unsigned flags, struct lv_err *err)
{

    memset(s, 0, sizeof(*s));
    s->c = c;
    s->name = name;
    s->lock_fd = -1;
    if (dom_def_check_name(name, NULL) < 0) {
        lv_err_set(err, LV_E_NO_DOMAIN, "domain '%s': no such domain", name);
        return -1;
    }
    s->lock_fd = dom_lock(c, name, err);
    if (s->lock_fd < 0 || dom_status_read(c, name, &s->st, err) < 0)
        goto fail;
    if (s->st.state == DOM_STATE_SHUTOFF && !dom_store_exists(c, name)) {
        lv_err_set(err, LV_E_NO_DOMAIN, "domain '%s': no such domain", name);
        goto fail;
    }
    if ((flags & DOM_SESSION_ACTIVE) && s->st.state == DOM_STATE_SHUTOFF) {
        lv_err_set(err, LV_E_STATE, "domain '%s': cannot %s: not running", name, what);
        goto fail;
    }
    return 0;
fail:
    dom_session_end(s);
    return -1;
}

struct qmp *
dom_session_qmp(struct dom_session *s, struct lv_err *err)
{
    if (!s->q)
        s->q = dom_qmp_connect(s->c, s->name, err);
    return s->q;
}

void
dom_session_end(struct dom_session *s)
{
    qmp_close(s->q);
    s->q = NULL;
    dom_unlock(s->c, s->name, s->lock_fd);
    s->lock_fd = -1;
}

struct qmp *
dom_qmp_connect(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    char *path = dom_run_file(c, name, "qmp.sock");
    struct qmp *q = qmp_connect(path, name, DOM_QMP_TIMEOUT_MS, err);

    free(path);
    return q;
}

json_t *
dom_qmp_run_fd(struct qmp *q, const char *cmd, json_t *args, int fd,
               struct lv_err *err)
{
    json_t *r = fd >= 0 ? qmp_execute_fd(q, cmd, args, fd, DOM_QMP_TIMEOUT_MS, err)
                        : qmp_execute(q, cmd, args, DOM_QMP_TIMEOUT_MS, err);

    json_decref(args);
    return r;
}

json_t *
dom_qmp_run(struct qmp *q, const char *cmd, json_t *args, struct lv_err *err)
{
    return dom_qmp_run_fd(q, cmd, args, -1, err);
}

int
dom_qmp_ok(struct qmp *q, const char *cmd, json_t *args, struct lv_err *err)
{
    json_t *r = dom_qmp_run(q, cmd, args, err);

    json_decref(r);
    return r ? 0 : -1;
}

static int
deleted(json_t *ev, const char *id)
{
    const char *what = json_string_value(json_object_get(ev, "event"));
    const char *dev = json_string_value(json_object_get(json_object_get(ev, "data"),
                                                        "device"));

    return what && !strcmp(what, "DEVICE_DELETED") && dev && !strcmp(dev, id);
}

int
dom_qmp_unplug(struct qmp *q, const struct dom_unplug *u, struct lv_err *err)
{
    long long deadline = lv_deadline(DOM_UNPLUG_TIMEOUT_MS);

    if (dom_qmp_ok(q, "device_del", json_pack("{s:s}", "id", u->id), err) < 0)
        return -1;
    for (;;) {
        int left = lv_deadline_left(deadline), r;
        json_t *ev;
        if (left == 0) {
            lv_err_set(err, LV_E_TIMEOUT, "domain '%s': %s: the guest did not "
                       "release it within %d s; it may still go later", u->name,
                       u->what, DOM_UNPLUG_TIMEOUT_MS / 1000);
            return -1;
        }
        ev = qmp_next_event(q, left, err);
        if (!ev) {
            if (err && err->code == LV_E_TIMEOUT)
                continue;
            return -1;
        }
        r = u->done ? u->done(ev, u->arg, err) : deleted(ev, u->id);
        json_decref(ev);
        if (r != 0)
            return r > 0 ? 0 : -1;
    }
}
