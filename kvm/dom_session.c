/* dom_session.c - the domain session and the QMP command runner (see
 * dom_session.h). */
#include "dom_session.h"

#include <stdlib.h>
#include <string.h>

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
