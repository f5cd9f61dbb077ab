/* snap_internal.c - internal (qcow2) snapshots: memory and disks of a
 * running guest through QEMU 7.2's snapshot-save/-load/-delete jobs, the
 * disks of a shut-off guest through `qemu-img snapshot -c/-a/-d`; and the
 * QMP helpers the snapshot and save code share (see snap_priv.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "dom_run.h"
#include "log.h"
#include "snap_priv.h"
#include "spawn.h"
#include "strbuf.h"
#include "test_hook.h"
#include "qemu_img.h"

/* A job id no other operation shares, even one of a killed command whose
 * job QEMU still keeps (issue 11): luavirt-WHAT-PID-NANOSECONDS. */
static void
job_id_make(char *buf, size_t size, const char *what)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    snprintf(buf, size, "luavirt-%s-%d-%lld", what, (int)getpid(),
             (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
}

int
snap_qmp_dismiss_stale(struct qmp *q, const char *dom, struct lv_err *err)
{
    json_t *r = dom_qmp_run(q, "query-jobs", NULL, err), *j;
    size_t i;
    int ret = 0;

    if (!r)
        return -1;
    json_array_foreach(r, i, j) {
        const char *id = json_string_value(json_object_get(j, "id"));
        const char *status = json_string_value(json_object_get(j, "status"));
        json_t *d;
        if (!id || strncmp(id, "luavirt-", 8) != 0 || !status ||
            strcmp(status, "concluded") != 0)
            continue;
        lv_log_debug("dom %s: dismissing the concluded job %s a killed command left",
                     dom, id);
        d = dom_qmp_run(q, "job-dismiss", json_pack("{s:s}", "id", id), err);
        if (!d) {
            ret = -1;
            break;
        }
        json_decref(d);
    }
    json_decref(r);
    return ret;
}

/* The job's error from query-jobs (malloc'd), or NULL if it succeeded. */
static char *
job_error(struct qmp *q, const char *job_id, struct lv_err *err)
{
    json_t *r = dom_qmp_run(q, "query-jobs", NULL, err);
    json_t *j;
    size_t i;
    char *e = NULL;

    if (!r)
        return lv_strdup(err->msg);
    json_array_foreach(r, i, j) {
        const char *id = json_string_value(json_object_get(j, "id"));
        const char *msg = json_string_value(json_object_get(j, "error"));
        if (id && strcmp(id, job_id) == 0 && msg)
            e = lv_strdup(msg);
    }
    json_decref(r);
    return e;
}

int
snap_qmp_job(struct qmp *q, const char *dom, const char *cmd, json_t *args,
             const char *job_id, int timeout_ms, struct lv_err *err)
{
    long long deadline = lv_deadline(timeout_ms);
    json_t *r, *ev = NULL;
    char *msg = NULL;
    int ret = -1;

    if (snap_qmp_dismiss_stale(q, dom, err) < 0)
        return -1;
    json_object_set_new(args, "job-id", json_string(job_id));
    r = dom_qmp_run(q, cmd, json_incref(args), err);   /* the caller keeps args */
    if (!r)
        return -1;
    json_decref(r);
    lv_test_stop_at("snapshot-job-started");
    for (;;) {
        const char *name, *id, *status;
        json_t *data;
        ev = qmp_next_event(q, lv_deadline_left(deadline), err);
        if (!ev) {
            lv_err_prefix(err, "domain '%s': waiting for %s: ", dom, cmd);
            return -1;
        }
        name = json_string_value(json_object_get(ev, "event"));
        data = json_object_get(ev, "data");
        id = json_string_value(json_object_get(data, "id"));
        status = json_string_value(json_object_get(data, "status"));
        if (name && strcmp(name, "JOB_STATUS_CHANGE") == 0 && id &&
            strcmp(id, job_id) == 0 && status && strcmp(status, "concluded") == 0)
            break;
        json_decref(ev);
    }
    json_decref(ev);
    msg = job_error(q, job_id, err);
    r = dom_qmp_run(q, "job-dismiss", json_pack("{s:s}", "id", job_id),
                             err);
    json_decref(r);
    if (msg) {
        lv_err_set(err, LV_E_QEMU, "%s: %s", cmd, msg);
        goto out;
    }
    ret = 0;
out:
    free(msg);
    return ret;
}

/* Does query-block's qdev path name the device id? */
static int
qdev_is(const char *qdev, const char *id)
{
    static const char pfx[] = "/machine/peripheral/";
    size_t n = strlen(id);

    if (strcmp(qdev, id) == 0)
        return 1;
    if (strncmp(qdev, pfx, sizeof(pfx) - 1) != 0)
        return 0;
    qdev += sizeof(pfx) - 1;
    return strncmp(qdev, id, n) == 0 && (qdev[n] == '/' || qdev[n] == '\0');
}

int
snap_qmp_node(struct qmp *q, const char *dom, const struct dom_disk *k,
              char **node, char **drv, struct lv_err *err)
{
    json_t *r = dom_qmp_run(q, "query-block", NULL, err);
    char id[64];
    json_t *b;
    size_t i;

    if (!r)
        return -1;
    snprintf(id, sizeof(id), "%s%s", k->alias ? "" : "disk-",
             k->alias ? k->alias : k->target_dev);
    *node = *drv = NULL;
    json_array_foreach(r, i, b) {
        const char *qdev = json_string_value(json_object_get(b, "qdev"));
        json_t *ins = json_object_get(b, "inserted");
        if (!qdev || !ins || !qdev_is(qdev, id))
            continue;
        *node = lv_strdup(json_string_value(json_object_get(ins, "node-name")));
        *drv = lv_strdup(json_string_value(json_object_get(ins, "drv")));
    }
    json_decref(r);
    if (!*node) {
        free(*drv);
        *drv = NULL;
        lv_err_set(err, LV_E_QEMU, "domain '%s': disk '%s' not found in QEMU",
                   dom, k->target_dev);
        return -1;
    }
    return 0;
}

int
snap_disk_wanted(const struct dom_disk *k)
{
    return k->device == DOM_DISK_DISK && !k->readonly && k->source &&
           (k->type == DOM_DISK_FILE || k->type == DOM_DISK_BLOCK);
}

/* Every snapshotted disk must be qcow2: raw images hold no snapshots. */
static int
check_qcow2(const struct dom_def *def, struct lv_err *err)
{
    for (size_t i = 0; i < def->n_disks; i++) {
        const struct dom_disk *k = &def->disks[i];
        const char *fmt = k->driver_type ? k->driver_type : "raw";
        if (!snap_disk_wanted(k) || strcmp(fmt, "qcow2") == 0)
            continue;
        lv_err_set(err, LV_E_UNSUPPORTED,
                   "cannot take an internal snapshot: disk '%s' (%s) is %s; "
                   "internal snapshots need qcow2 (use --disk-only for an "
                   "external snapshot)", k->target_dev, k->source, fmt);
        return -1;
    }
    return 0;
}

/* The node names of the snapshotted disks of a running guest; the first
 * also takes the memory (vmstate). */
static json_t *
running_nodes(struct qmp *q, const char *dom, const struct dom_def *def,
              struct lv_err *err)
{
    json_t *nodes = json_array();

    for (size_t i = 0; i < def->n_disks; i++) {
        char *node = NULL, *drv = NULL;
        if (!snap_disk_wanted(&def->disks[i]))
            continue;
        if (snap_qmp_node(q, dom, &def->disks[i], &node, &drv, err) < 0) {
            json_decref(nodes);
            return NULL;
        }
        json_array_append_new(nodes, json_string(node));
        free(node);
        free(drv);
    }
    if (json_array_size(nodes) == 0) {
        lv_err_set(err, LV_E_INVALID,
                   "cannot take an internal snapshot: the domain has no "
                   "writable qcow2 disk to hold it");
        json_decref(nodes);
        return NULL;
    }
    return nodes;
}

/* snapshot-save / -load / -delete on a running guest. */
static int
running_job(struct lv_conn *c, const char *dom, const struct dom_def *def,
            const char *cmd, const char *tag, struct lv_err *err)
{
    struct qmp *q = dom_qmp_connect(c, dom, err);
    json_t *nodes = NULL, *args;
    char job_id[96];
    int ret = -1;

    if (!q)
        return -1;
    job_id_make(job_id, sizeof(job_id),
                strcmp(cmd, "snapshot-save") == 0 ? "snap" :
                strcmp(cmd, "snapshot-load") == 0 ? "revert" : "snapdel");
    nodes = running_nodes(q, dom, def, err);
    if (!nodes)
        goto out;
    args = json_pack("{s:s, s:O}", "tag", tag, "devices", nodes);
    if (strcmp(cmd, "snapshot-delete") != 0)
        json_object_set(args, "vmstate", json_array_get(nodes, 0));
    ret = snap_qmp_job(q, dom, cmd, args, job_id, SNAP_JOB_TIMEOUT_MS, err);
    json_decref(args);
out:
    json_decref(nodes);
    qmp_close(q);
    return ret;
}

/* qemu-img snapshot OP TAG on every snapshotted disk of a shut-off guest. */
static int
offline_op(const struct dom_def *def, const char *op, const char *tag,
           struct lv_err *err)
{
    for (size_t i = 0; i < def->n_disks; i++) {
        const struct dom_disk *k = &def->disks[i];
        char *argv[] = { (char *)"qemu-img", (char *)"snapshot", (char *)op,
                         (char *)tag, (char *)k->source, NULL };
        char what[300];
        if (!snap_disk_wanted(k))
            continue;
        snprintf(what, sizeof(what), "disk '%s'", k->target_dev);
        if (qemu_img_run(argv, what, err) < 0)
            return -1;
    }
    return 0;
}

static void
record_disks(const struct dom_def *def, struct snap_def *s)
{
    for (size_t i = 0; i < def->n_disks; i++) {
        const struct dom_disk *k = &def->disks[i];
        struct snap_disk *d;
        if (k->device != DOM_DISK_DISK || !k->target_dev)
            continue;
        s->disks = lv_realloc(s->disks, (s->n_disks + 1) * sizeof(*d));
        d = &s->disks[s->n_disks++];
        memset(d, 0, sizeof(*d));
        d->name = lv_strdup(k->target_dev);
        d->snapshot = snap_disk_wanted(k) ? SNAP_LOC_INTERNAL : SNAP_LOC_NO;
    }
}

int
snap_internal_create(struct lv_conn *c, const char *dom,
                     const struct dom_def *def, int active,
                     struct snap_def *s, struct lv_err *err)
{
    int r;

    if (check_qcow2(def, err) < 0)
        return -1;
    if (active) {
        r = running_job(c, dom, def, "snapshot-save", s->name, err);
    } else {
        r = offline_op(def, "-c", s->name, err);
        if (r < 0) {   /* undo on the disks already done */
            struct lv_err e2 = LV_ERR_INIT;
            offline_op(def, "-d", s->name, &e2);
        }
    }
    if (r == 0 && !s->has_disks) {
        record_disks(def, s);
        s->has_disks = 1;
    }
    return r;
}

int
snap_internal_revert(struct lv_conn *c, const char *dom,
                     const struct dom_def *def, int active,
                     const struct snap_def *s, struct lv_err *err)
{
    struct qmp *q;
    json_t *r;

    if (check_qcow2(def, err) < 0)
        return -1;
    if (!active)
        return offline_op(def, "-a", s->name, err);
    /* stopped first: snapshot-load restarts the vcpus only if they ran */
    q = dom_qmp_connect(c, dom, err);
    if (!q)
        return -1;
    r = dom_qmp_run(q, "stop", NULL, err);
    qmp_close(q);
    if (!r)
        return -1;
    json_decref(r);
    return running_job(c, dom, def, "snapshot-load", s->name, err);
}

int
snap_internal_delete(struct lv_conn *c, const char *dom,
                     const struct dom_def *def, int active,
                     const struct snap_def *s, struct lv_err *err)
{
    if (!s || snap_is_external(s))
        return 0;
    if (s->memory != SNAP_LOC_INTERNAL) {
        int any = 0;
        for (size_t i = 0; i < s->n_disks; i++)
            any |= s->disks[i].snapshot == SNAP_LOC_INTERNAL;
        if (!any)
            return 0;
    }
    if (active)
        return running_job(c, dom, def, "snapshot-delete", s->name, err);
    return offline_op(def, "-d", s->name, err);
}

/* Does the image at path hold an internal snapshot tagged tag (qemu-img
 * info's "snapshots")? 1, 0, or -1 with err. */
static int
image_has_tag(const char *path, const char *tag, struct lv_err *err)
{
    char *argv[] = { (char *)"qemu-img", (char *)"info", (char *)"--output=json",
                     (char *)"-U", (char *)"--", (char *)path, NULL };
    char *out = NULL, what[300];
    json_t *j = NULL, *e;
    size_t i;
    int ret = -1;

    snprintf(what, sizeof(what), "image '%s'", path);
    if (qemu_img_capture(argv, &out, what, err) < 0)
        goto out;
    j = json_loads(out, 0, NULL);
    if (!json_is_object(j)) {
        lv_err_set(err, LV_E_QEMU, "%s: cannot read qemu-img info", what);
        goto out;
    }
    ret = 0;
    json_array_foreach(json_object_get(j, "snapshots"), i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));
        if (name && strcmp(name, tag) == 0)
            ret = 1;
    }
out:
    json_decref(j);
    free(out);
    return ret;
}

int
snap_internal_drop(struct lv_conn *c, const char *dom, const struct dom_def *def,
                   int active, const char *tag, struct lv_err *err)
{
    struct lv_err e2 = LV_ERR_INIT;

    /* no qcow2, no internal snapshot could have been begun */
    if (check_qcow2(def, &e2) < 0)
        return 0;
    if (active)   /* deletes the tag where a node has it, nowhere else */
        return running_job(c, dom, def, "snapshot-delete", tag, err);
    for (size_t i = 0; i < def->n_disks; i++) {
        const struct dom_disk *k = &def->disks[i];
        char *argv[] = { (char *)"qemu-img", (char *)"snapshot", (char *)"-d",
                         (char *)tag, (char *)k->source, NULL };
        char what[300];
        int has;
        if (!snap_disk_wanted(k))
            continue;
        has = image_has_tag(k->source, tag, err);
        if (has < 0)
            return -1;
        snprintf(what, sizeof(what), "disk '%s'", k->target_dev);
        if (has && qemu_img_run(argv, what, err) < 0)
            return -1;
    }
    return 0;
}
