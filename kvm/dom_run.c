/* dom_run.c - the status file and liveness of a domain's run dir (see
 * dom_run.h). The status is a few key=value lines, written atomically. */
#include "dom_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dom_dac.h"
#include "obj_store.h"
#include "store.h"
#include "strbuf.h"

static const char *const state_names[DOM_STATE__COUNT] = {
    [DOM_STATE_SHUTOFF] = "shut off",
    [DOM_STATE_RUNNING] = "running",
    [DOM_STATE_PAUSED] = "paused",
    [DOM_STATE_SHUTDOWN] = "in shutdown",
    [DOM_STATE_CRASHED] = "crashed",
    [DOM_STATE_PMSUSPENDED] = "pmsuspended",
};

const char *
dom_state_to_str(enum dom_state s)
{
    if ((int)s < 0 || s >= DOM_STATE__COUNT)
        return "no state";
    return state_names[s];
}

int
dom_state_from_str(const char *s)
{
    for (int i = 0; i < DOM_STATE__COUNT; i++)
        if (strcmp(state_names[i], s) == 0)
            return i;
    return -1;
}

char *
dom_run_dir(const struct lv_conn *c, const char *name)
{
    return lv_asprintf("%s/qemu/%s", c->run_dir, name);
}

char *
dom_run_file(const struct lv_conn *c, const char *name, const char *file)
{
    return lv_asprintf("%s/qemu/%s/%s", c->run_dir, name, file);
}

char *
dom_lock_path(const struct lv_conn *c, const char *name)
{
    return lv_asprintf("%s/locks/dom-%s.lock", c->run_dir, name);
}

int
dom_lock(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    return lv_obj_lock(c, &LV_KIND_DOMAIN, name, err);
}

void
dom_unlock(const struct lv_conn *c, const char *name, int fd)
{
    lv_obj_unlock(c, &LV_KIND_DOMAIN, name, fd);
}

int
dom_run_active(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    char *lock = dom_run_file(c, name, "sup.lock");
    int r = lv_store_is_locked(lock, err);
    free(lock);
    return r;
}

void
dom_status_init(struct dom_status *st)
{
    memset(st, 0, sizeof(*st));
    st->state = DOM_STATE_SHUTOFF;
    st->id = -1;
    snprintf(st->reason, sizeof(st->reason), "unknown");
}

int
dom_status_parse(const char *text, struct dom_status *st)
{
    char *copy = lv_strdup(text), *save = NULL;

    dom_status_init(st);
    for (char *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '=');
        const char *v;
        if (!eq)
            continue;
        *eq = '\0';
        v = eq + 1;
        if (strcmp(line, "state") == 0) {
            int s = dom_state_from_str(v);
            st->state = s < 0 ? DOM_STATE_SHUTOFF : (enum dom_state)s;
        } else if (strcmp(line, "reason") == 0) {
            snprintf(st->reason, sizeof(st->reason), "%s", v);
        } else if (strcmp(line, "id") == 0) {
            st->id = atoi(v);
        } else if (strcmp(line, "qemu_pid") == 0) {
            st->qemu_pid = (pid_t)atoi(v);
        } else if (strcmp(line, "sup_pid") == 0) {
            st->sup_pid = (pid_t)atoi(v);
        } else if (strcmp(line, "transient") == 0) {
            st->transient = atoi(v);
        } else if (strcmp(line, "started") == 0) {
            st->started = atoll(v);
        } else if (strcmp(line, "pty") == 0) {
            snprintf(st->pty, sizeof(st->pty), "%s", v);
        }
    }
    free(copy);
    return 0;
}

char *
dom_status_format(const struct dom_status *st)
{
    return lv_asprintf("state=%s\nreason=%s\nid=%d\nqemu_pid=%d\nsup_pid=%d\n"
                       "transient=%d\nstarted=%lld\npty=%s\n",
                       dom_state_to_str(st->state), st->reason, st->id,
                       (int)st->qemu_pid, (int)st->sup_pid, st->transient,
                       st->started, st->pty);
}

int
dom_status_write(const char *run_dir, const struct dom_status *st,
                 struct lv_err *err)
{
    char *path = lv_asprintf("%s/status", run_dir);
    char *text = dom_status_format(st);
    int r = lv_store_write_atomic(path, text, strlen(text), 0600, err);
    free(text);
    free(path);
    return r;
}

int
dom_status_read(const struct lv_conn *c, const char *name,
                struct dom_status *st, struct lv_err *err)
{
    struct lv_err e2 = LV_ERR_INIT;
    char *path = NULL, *text = NULL;
    int active, ret = -1;

    dom_status_init(st);
    active = dom_run_active(c, name, err);
    if (active < 0)
        goto out;
    path = dom_run_file(c, name, "status");
    text = lv_store_read(path, NULL, &e2);
    if (text)
        dom_status_parse(text, st);
    if (!active) {
        /* keep the last reason the supervisor wrote; a supervisor that
         * died without writing one left a stale "running" behind */
        if (st->state != DOM_STATE_SHUTOFF)
            snprintf(st->reason, sizeof(st->reason), "crashed");
        st->state = DOM_STATE_SHUTOFF;
        st->id = -1;
        st->qemu_pid = st->sup_pid = 0;
        st->pty[0] = '\0';
    }
    ret = 0;
out:
    free(text);
    free(path);
    return ret;
}

int
dom_run_next_id(const struct lv_conn *c, struct lv_err *err)
{
    char *lock = lv_asprintf("%s/locks/next-id.lock", c->run_dir);
    char *path = lv_asprintf("%s/qemu/.next-id", c->run_dir);
    char *text = NULL;
    char buf[32];
    int fd, id = -1;

    fd = lv_store_lock(lock, 1, err);
    if (fd < 0)
        goto out;
    text = lv_store_read(path, NULL, NULL);
    id = text ? atoi(text) : 1;
    if (id < 1)
        id = 1;
    snprintf(buf, sizeof(buf), "%d\n", id + 1);
    if (lv_store_write_atomic(path, buf, strlen(buf), 0600, err) < 0)
        id = -1;
out:
    lv_store_unlock(fd);
    free(text);
    free(path);
    free(lock);
    return id;
}

int
dom_run_transient_names(const struct lv_conn *c, char ***names, size_t *n,
                        struct lv_err *err)
{
    char *dir = lv_asprintf("%s/qemu", c->run_dir);
    char **all = NULL;
    size_t na = 0;
    int ret = lv_store_list_dir(dir, "", 1, &all, &na, err);

    *names = NULL;
    *n = 0;
    for (size_t i = 0; ret == 0 && i < na; i++) {
        struct dom_status st;
        if (dom_status_read(c, all[i], &st, NULL) < 0 ||
            st.state == DOM_STATE_SHUTOFF || !st.transient)
            continue;
        *names = lv_realloc(*names, (*n + 1) * sizeof(char *));
        (*names)[(*n)++] = lv_strdup(all[i]);
    }
    lv_store_names_free(all, na);
    free(dir);
    return ret;
}

int
dom_run_remove(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    char *dir = dom_run_dir(c, name);
    char **files = NULL;
    size_t n = 0;
    int r = -1;

    /* a QEMU killed with its supervisor leaves images handed over */
    dom_dac_restore(dir);
    if (lv_store_list_dir(dir, "", 0, &files, &n, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        char *p = lv_asprintf("%s/%s", dir, files[i]);
        int e = lv_store_remove(p, err);
        free(p);
        if (e < 0)
            goto out;
    }
    if (rmdir(dir) < 0 && errno != ENOENT) {
        lv_err_sys(err, "domain '%s': cannot remove '%s'", name, dir);
        goto out;
    }
    r = 0;
out:
    lv_store_names_free(files, n);
    free(dir);
    return r;
}
