/* dom_migrate.c - the steps of a live migration on each host (see
 * dom_migrate.h). */
#include "dom_migrate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"
#include "dom.h"
#include "dom_control.h"
#include "dom_run.h"
#include "dom_session.h"
#include "dom_start.h"
#include "dom_wait.h"
#include "log.h"
#include "store.h"
#include "strbuf.h"
#include "unix_sock.h"

#define MIGRATE_TIMEOUT_MS (30 * 60 * 1000)
#define POLL_MS 200
#define HANDOVER_MS 20

/* Until QEMU says something (a MIGRATION event) or ms pass. */
static void
wait_event(struct qmp *q, int ms)
{
    struct lv_err e2 = LV_ERR_INIT;

    json_decref(qmp_next_event(q, ms, &e2));
}

static uint64_t
num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v) : 0;
}

static void
stats_of(json_t *r, struct dom_migrate_stats *s)
{
    json_t *ram = json_object_get(r, "ram");
    const char *st = json_string_value(json_object_get(r, "status"));

    memset(s, 0, sizeof(*s));
    snprintf(s->status, sizeof(s->status), "%s", st ? st : "none");
    s->total_ms = num(r, "total-time");
    s->downtime_ms = num(r, "downtime");
    s->transferred = num(ram, "transferred");
    s->remaining = num(ram, "remaining");
    s->total = num(ram, "total");
}

/* query-migrate on q into s; -1 with err. */
static int
query(struct qmp *q, struct dom_migrate_stats *s, json_t **desc, struct lv_err *err)
{
    json_t *r = dom_qmp_run(q, "query-migrate", NULL, err);

    if (!r)
        return -1;
    if (lv_log_enabled(LV_LOG_DEBUG)) {
        char *j = json_dumps(r, JSON_COMPACT);
        lv_log_debug("query-migrate: %s", j ? j : "?");
        free(j);
    }
    stats_of(r, s);
    if (desc) {
        json_t *d = json_object_get(r, "error-desc");
        *desc = d ? json_incref(d) : NULL;
    }
    json_decref(r);
    return 0;
}

static int
finished(const char *status)
{
    return !strcmp(status, "completed") || !strcmp(status, "failed") ||
           !strcmp(status, "cancelled");
}

/* ---- destination ---- */

/* The port QEMU listens on for the incoming stream. */
static int
listen_port(struct qmp *q, int *port, struct lv_err *err)
{
    json_t *r = dom_qmp_run(q, "query-migrate", NULL, err), *sa;
    const char *p = NULL;

    if (!r)
        return -1;
    sa = json_array_get(json_object_get(r, "socket-address"), 0);
    p = json_string_value(json_object_get(sa, "port"));
    *port = p ? atoi(p) : 0;
    json_decref(r);
    if (*port <= 0) {
        lv_err_set(err, LV_E_QEMU, "QEMU did not say which port it listens on");
        return -1;
    }
    return 0;
}

#define IMAGES_FILE "migrate-images"

/* Record the images made for this migration in the guest's run dir: the
 * supervisor removes them if the guest stops before it is finished. */
static int
record_images(struct lv_conn *c, const char *name, char **made, struct lv_err *err)
{
    struct strbuf b = STRBUF_INIT;
    char *path;
    int r;

    for (char **p = made; p && *p; p++)
        strbuf_addf(&b, "%s\n", *p);
    if (b.len == 0) {
        strbuf_free(&b);
        return 0;
    }
    path = dom_run_file(c, name, IMAGES_FILE);
    r = lv_store_write_atomic(path, b.s, b.len, 0600, err);
    free(path);
    strbuf_free(&b);
    return r;
}

void
dom_migrate_images_drop(const char *run_dir)
{
    char *path = lv_asprintf("%s/" IMAGES_FILE, run_dir);
    char *text = lv_store_read(path, NULL, NULL), *save = NULL;

    for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
        if (l[0] != '/')
            continue;
        if (unlink(l) < 0 && errno != ENOENT)
            lv_log_warn("cannot remove '%s', made for a migration that did not finish: %s",
                        l, strerror(errno));
        else
            lv_log_info("removed '%s', made for a migration that did not finish", l);
    }
    free(text);
    unlink(path);
    free(path);
}

#define NBD_SOCK "migrate-nbd.sock"

/* The NBD server that takes the disks, on a port of addr or (tunnelled) a
 * unix socket in the run dir only root reaches (sshd forwards to it). */
static int
serve_disks(struct lv_conn *c, struct qmp *q, const struct dom_def *def,
            const struct dom_migrate_incoming *in, const char *addr, int *port,
            struct lv_err *err)
{
    int fd, r;

    if (in->tunnelled) {
        char *sock = dom_run_file(c, def->name, NBD_SOCK);
        fd = lv_unix_listen(sock, 0600, 16, err);
        free(sock);
    } else {
        fd = dom_migrate_listen_tcp(addr, port, err);
    }
    if (fd < 0)
        return -1;
    r = dom_migrate_nbd_serve(q, def, fd, err);
    close(fd);
    return r;
}

int
dom_migrate_prepare(struct lv_conn *c, struct dom_def *def,
                    const struct dom_migrate_incoming *in, char **uri_out, char **nbd_out,
                    struct lv_err *err)
{
    struct dom_start_opts so = { .paused = 1, .incoming = 1 };
    const char *addr = in->listen && *in->listen ? in->listen : "0.0.0.0";
    int v6 = strchr(addr, ':') != NULL, port = 0, nbd_port = 0;
    struct qmp *q = NULL;
    char *listen = NULL, **made = NULL;
    int ret = -1;

    *uri_out = NULL;
    *nbd_out = NULL;
    if (strpbrk(addr, ",/ ") || strlen(addr) > 64) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot take a migration: bad "
                   "listen address '%s'", def->name, addr);
        return -1;
    }
    if (in->copy && dom_migrate_disks_create(def, in->copy, in->disks, in->n_disks, &made,
                                             err) < 0) {
        lv_err_prefix(err, "migration: ");
        return -1;
    }
    if (dom_create(c, def, &so, err) < 0) {
        lv_err_prefix(err, "migration: ");
        dom_migrate_disks_remove(made);
        return -1;
    }
    if (record_images(c, def->name, made, err) < 0) {
        struct lv_err e2 = LV_ERR_INIT;
        dom_destroy(c, def->name, 0, &e2);
        dom_migrate_disks_remove(made);
        return -1;
    }
    for (char **p = made; p && *p; p++)
        free(*p);
    free(made);
    if (in->tunnelled) {
        char *sock = dom_run_file(c, def->name, "migrate.sock");
        listen = lv_asprintf("unix:%s", sock);
        free(sock);
    } else {
        listen = lv_asprintf(v6 ? "tcp:[%s]:0" : "tcp:%s:0", addr);
    }
    if (!(q = dom_qmp_connect(c, def->name, err)) ||
        dom_qmp_ok(q, "migrate-set-capabilities",
                   json_pack("{s:[{s:s, s:b}]}", "capabilities", "capability", "events",
                             "state", 1), err) < 0 ||
        (in->copy && serve_disks(c, q, def, in, addr, &nbd_port, err) < 0) ||
        dom_qmp_ok(q, "migrate-incoming", json_pack("{s:s}", "uri", listen), err) < 0 ||
        (!in->tunnelled && listen_port(q, &port, err) < 0)) {
        struct lv_err e2 = LV_ERR_INIT;
        lv_err_prefix(err, "domain '%s': cannot take a migration: ", def->name);
        qmp_close(q);
        q = NULL;
        /* its images made here go with it (the supervisor) */
        dom_destroy(c, def->name, 0, &e2);
        goto out;
    }
    if (in->tunnelled) {
        char *sock = dom_run_file(c, def->name, NBD_SOCK);
        *uri_out = lv_strdup(listen);
        if (in->copy)
            *nbd_out = lv_asprintf("unix:%s", sock);
        free(sock);
    } else {
        *uri_out = lv_asprintf(v6 ? "tcp:[%s]:%d" : "tcp:%s:%d", addr, port);
        if (in->copy)
            *nbd_out = lv_asprintf(v6 ? "[%s]:%d" : "%s:%d", addr, nbd_port);
    }
    lv_log_info("dom %s: waiting for a migration on %s%s%s", def->name, *uri_out,
                *nbd_out ? ", its disks on " : "", *nbd_out ? *nbd_out : "");
    ret = 0;
out:
    qmp_close(q);
    free(listen);
    return ret;
}

int
dom_migrate_finish(struct lv_conn *c, const char *name, int run, int timeout_ms,
                   struct lv_err *err)
{
    struct dom_session s;
    struct dom_migrate_stats st;
    long long deadline = lv_deadline(timeout_ms > 0 ? timeout_ms : 60000);
    struct qmp *q;
    int ret = -1;

    if (dom_session_begin(&s, c, name, "finish a migration", DOM_SESSION_ACTIVE, err) < 0)
        return -1;
    if (!(q = dom_session_qmp(&s, err)))
        goto out;
    for (;;) {
        json_t *desc = NULL;
        if (query(q, &st, &desc, err) < 0)
            goto out;
        if (!strcmp(st.status, "completed")) {
            json_decref(desc);
            break;
        }
        if (finished(st.status) || lv_deadline_left(deadline) == 0) {
            lv_err_set(err, LV_E_QEMU, "domain '%s': the incoming migration %s%s%s", name,
                       finished(st.status) ? st.status : "did not complete in time",
                       desc ? ": " : "", desc ? json_string_value(desc) : "");
            json_decref(desc);
            goto out;
        }
        json_decref(desc);
        wait_event(q, 50);
    }
    /* the disks came too, if they were copied */
    dom_migrate_nbd_stop(q, name);
    if (run && dom_qmp_ok(q, "cont", NULL, err) < 0)
        goto out;
    ret = 0;
    {
        /* the images made for it are the guest's now */
        char *images = dom_run_file(c, name, IMAGES_FILE);
        unlink(images);
        free(images);
    }
out:
    dom_session_end(&s);
    if (ret == 0)
        ret = dom_wait_state(c, name, run ? DOM_STATE_RUNNING : DOM_STATE_PAUSED, 30000, err);
    return ret;
}

/* ---- source ---- */

static int
set_params(struct qmp *q, const struct dom_migrate_opts *o, struct lv_err *err)
{
    /* no limit unless asked: QEMU's default (32 MiB/s) is a WAN's */
    json_t *p = json_pack("{s:I}", "max-bandwidth",
                          (json_int_t)(o->bandwidth_mib ? o->bandwidth_mib << 20
                                                        : (uint64_t)1 << 40));

    if (o->max_downtime_ms)
        json_object_set_new(p, "downtime-limit", json_integer((json_int_t)o->max_downtime_ms));
    /* with disks copied, QEMU waits before the switch (the guest paused)
     * for the copies to be completed */
    return dom_qmp_ok(q, "migrate-set-capabilities",
                      json_pack("{s:[{s:s, s:b}, {s:s, s:b}]}", "capabilities",
                                "capability", "events", "state", 1,
                                "capability", "pause-before-switchover",
                                "state", o->copy != DOM_MIGRATE_COPY_NONE), err) < 0 ||
                   dom_qmp_ok(q, "migrate-set-parameters", p, err) < 0 ? -1 : 0;
}

/* After a failure: the guest runs on here as it did before. */
static void
resume_source(struct qmp *q, const char *name, int was_running)
{
    struct lv_err e2 = LV_ERR_INIT;
    json_t *r = dom_qmp_run(q, "query-status", NULL, &e2);
    int running = json_is_true(json_object_get(r, "running"));

    json_decref(r);
    if (was_running && !running && dom_qmp_ok(q, "cont", NULL, &e2) < 0)
        lv_log_warn("dom %s: cannot resume after the failed migration: %s", name, e2.msg);
}

/* Wait a while on the monitor (an event of the migration or of a disk's
 * copy ends the wait at once: its end is seen when it comes), then let go
 * of it and take it again, so that another command (domjobinfo,
 * migrate-setspeed) waiting for it gets its turn: QEMU answers the
 * connections queued on its socket in order, that command's before ours. */
static struct qmp *
pause_monitor(struct dom_session *s, struct lv_err *err)
{
    wait_event(s->q, POLL_MS);
    qmp_close(s->q);
    s->q = NULL;
    /* QEMU ends the session it saw closed before it takes a new one: a
     * connection made too soon can be the one it ends; try again a little
     * later (a QEMU that is gone fails each time) */
    for (int i = 0;; i++) {
        struct lv_err e2 = LV_ERR_INIT;
        lv_poll(NULL, 0, lv_deadline(HANDOVER_MS << i));
        if (i == 2)
            return dom_session_qmp(s, err);
        if (dom_session_qmp(s, &e2))
            return s->q;
    }
}

/* QEMU sends to uri; a unix socket is connected here and handed over (the
 * end of an ssh tunnel only root reaches). */
static int
start_stream(struct qmp *q, const char *name, const char *uri, struct lv_err *err)
{
    char what[160];
    json_t *r;
    int fd;

    if (strncmp(uri, "unix:", 5) != 0)
        return dom_qmp_ok(q, "migrate", json_pack("{s:s}", "uri", uri), err);
    snprintf(what, sizeof(what), "domain '%s': the migration stream", name);
    if ((fd = lv_unix_connect(uri + 5, what, err)) < 0)
        return -1;
    r = dom_qmp_run_fd(q, "getfd", json_pack("{s:s}", "fdname", "migrate-out"), fd, err);
    close(fd);
    if (!r)
        return -1;
    json_decref(r);
    return dom_qmp_ok(q, "migrate", json_pack("{s:s}", "uri", "fd:migrate-out"), err);
}

/* The disks first: mirrored until every copy is in step (the guest runs
 * on); progress says "mirror". */
static int
copy_disks(struct dom_session *s, const struct dom_def *def, const struct dom_migrate_opts *o,
           long long deadline, struct lv_err *err)
{
    struct qmp *q = dom_session_qmp(s, err);
    int ready = 0;

    if (!q || dom_migrate_mirror_start(q, def, o->nbd, o->copy, err) < 0)
        return -1;
    while (ready == 0) {
        struct dom_migrate_stats st = { .status = "mirror" };
        ready = dom_migrate_mirror_ready(q, def, &st.transferred, &st.total, err);
        st.remaining = st.total - st.transferred;
        if (ready < 0)
            break;
        if (o->progress)
            o->progress(&st, o->progress_arg);
        if (ready)
            return 0;
        if (lv_deadline_left(deadline) == 0) {
            lv_err_set(err, LV_E_TIMEOUT, "domain '%s': its disks were not copied in time",
                       def->name);
            ready = -1;
            break;
        }
        if (!(q = pause_monitor(s, err)))
            return -1;
    }
    {
        struct lv_err e2 = LV_ERR_INIT;
        dom_migrate_mirror_end(q, def, 0, &e2);
    }
    return -1;
}

int
dom_migrate_send(struct lv_conn *c, const char *name, const char *uri,
                 const struct dom_migrate_opts *o, struct dom_migrate_stats *out,
                 struct lv_err *err)
{
    struct dom_session s;
    struct dom_migrate_stats st;
    struct dom_def *def = NULL;
    long long deadline;
    int was_running, ret = -1, mirroring = 0;
    struct qmp *q;

    memset(&st, 0, sizeof(st));
    if (strpbrk(uri, ", ") || (strncmp(uri, "tcp:", 4) != 0 && strncmp(uri, "unix:/", 6) != 0)) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot migrate to '%s': "
                   "not a tcp:HOST:PORT or unix:PATH address", name, uri);
        return -1;
    }
    if (o->copy && !o->nbd) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': copying its disks needs the "
                   "destination's NBD address (nbd=)", name);
        return -1;
    }
    if (dom_session_begin(&s, c, name, "migrate", DOM_SESSION_ACTIVE, err) < 0)
        return -1;
    was_running = s.st.state == DOM_STATE_RUNNING;
    deadline = lv_deadline(o->timeout_ms > 0 ? o->timeout_ms : MIGRATE_TIMEOUT_MS);
    if (o->copy) {
        if (!(def = dom_get_def(c, name, 0, err)) || copy_disks(&s, def, o, deadline, err) < 0)
            goto out;
        mirroring = 1;
    }
    if (!(q = dom_session_qmp(&s, err)) || set_params(q, o, err) < 0)
        goto fail;
    if (!o->live && was_running && dom_qmp_ok(q, "stop", NULL, err) < 0)
        goto fail;
    if (start_stream(q, name, uri, err) < 0)
        goto fail;
    lv_log_info("dom %s: migrating to %s", name, uri);
    for (;;) {
        json_t *desc = NULL;
        if (query(q, &st, &desc, err) < 0)
            goto fail;
        if (o->progress)
            o->progress(&st, o->progress_arg);
        if (!strcmp(st.status, "pre-switchover")) {
            /* the guest is paused, its memory copied: the disks' copies are
             * completed, then QEMU switches over */
            json_decref(desc);
            mirroring = 0;
            if (dom_migrate_mirror_end(q, def, 1, err) < 0) {
                struct lv_err e2 = LV_ERR_INIT;
                dom_qmp_ok(q, "migrate_cancel", NULL, &e2);
                goto fail;
            }
            if (dom_qmp_ok(q, "migrate-continue", json_pack("{s:s}", "state", "pre-switchover"),
                           err) < 0)
                goto fail;
            continue;
        }
        if (!strcmp(st.status, "completed")) {
            json_decref(desc);
            /* QEMU says completed a moment before it sets total-time and
             * downtime: ask again for the figures (a second at most) */
            for (int i = 0; i < 50 && st.total_ms == 0; i++) {
                struct lv_err e2 = LV_ERR_INIT;
                wait_event(q, 20);
                if (query(q, &st, NULL, &e2) < 0)
                    break;
            }
            break;
        }
        if (finished(st.status) || lv_deadline_left(deadline) == 0) {
            struct lv_err e2 = LV_ERR_INIT;
            if (!finished(st.status))
                dom_qmp_ok(q, "migrate_cancel", NULL, &e2);
            lv_err_set(err, finished(st.status) ? LV_E_QEMU : LV_E_TIMEOUT,
                       "domain '%s': migration to %s %s%s%s", name, uri,
                       finished(st.status) ? st.status : "did not complete in time",
                       desc ? ": " : "", desc ? json_string_value(desc) : "");
            json_decref(desc);
            goto fail;
        }
        json_decref(desc);
        if (!(q = pause_monitor(&s, err)))
            goto fail;
    }
    lv_log_info("dom %s: migrated to %s in %llu ms (downtime %llu ms)", name, uri,
                (unsigned long long)st.total_ms, (unsigned long long)st.downtime_ms);
    ret = 0;
    goto out;
fail:
    /* the guest runs on here as it did, its copies abandoned */
    {
        struct lv_err e2 = LV_ERR_INIT;
        if (!(q = dom_session_qmp(&s, &e2)))
            goto out;
        if (mirroring)
            dom_migrate_mirror_end(q, def, 0, &e2);
        resume_source(q, name, was_running);
    }
out:
    if (out)
        *out = st;
    dom_session_end(&s);
    dom_def_free(def);
    return ret;
}

int
dom_migrate_confirm(struct lv_conn *c, const char *name, int done, struct lv_err *err)
{
    struct dom_session s;
    struct qmp *q;
    char *flag;
    int ret = -1;

    if (dom_session_begin(&s, c, name, "confirm a migration", DOM_SESSION_ACTIVE, err) < 0)
        return -1;
    if (!(q = dom_session_qmp(&s, err)))
        goto out;
    if (!done) {
        resume_source(q, name, 1);
        ret = 0;
        goto out;
    }
    /* the supervisor reads it when QEMU is gone: "shut off (migrated)" */
    flag = dom_run_file(c, name, "migrated");
    ret = lv_store_write_atomic(flag, "1\n", 2, 0600, err);
    free(flag);
    if (ret < 0)
        goto out;
    json_decref(dom_qmp_run(q, "quit", NULL, err));
    ret = 0;
out:
    dom_session_end(&s);
    if (ret == 0 && done)
        ret = dom_wait_state(c, name, DOM_STATE_SHUTOFF, 30000, err);
    return ret;
}

/* ---- from another command while it goes ---- */

/* A monitor of name's QEMU without taking its lock (a migration holds it);
 * what ("show its job") names the operation in errors. */
static struct qmp *
monitor(struct lv_conn *c, const char *name, const char *what, struct lv_err *err)
{
    struct dom_status st;

    if (dom_def_check_name(name, NULL) < 0 || !dom_exists(c, name)) {
        lv_err_set(err, LV_E_NO_DOMAIN, "domain '%s': no such domain", name);
        return NULL;
    }
    if (dom_status_read(c, name, &st, err) < 0)
        return NULL;
    if (st.state == DOM_STATE_SHUTOFF) {
        lv_err_set(err, LV_E_STATE, "domain '%s': cannot %s: not running", name, what);
        return NULL;
    }
    return dom_qmp_connect(c, name, err);
}

int
dom_migrate_query(struct lv_conn *c, const char *name, struct dom_migrate_stats *out,
                  struct lv_err *err)
{
    struct qmp *q = monitor(c, name, "show its job", err);
    int r;

    if (!q)
        return -1;
    r = query(q, out, NULL, err);
    qmp_close(q);
    return r;
}

int
dom_migrate_tune(struct lv_conn *c, const char *name, uint64_t bandwidth_mib,
                 uint64_t max_downtime_ms, struct lv_err *err)
{
    struct qmp *q = monitor(c, name, "tune its migration", err);
    json_t *p = json_object();
    int r;

    if (!q) {
        json_decref(p);
        return -1;
    }
    if (bandwidth_mib)
        json_object_set_new(p, "max-bandwidth", json_integer((json_int_t)(bandwidth_mib << 20)));
    if (max_downtime_ms)
        json_object_set_new(p, "downtime-limit", json_integer((json_int_t)max_downtime_ms));
    r = dom_qmp_ok(q, "migrate-set-parameters", p, err);
    qmp_close(q);
    return r;
}
