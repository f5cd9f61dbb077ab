/* dom_vcpu.c - vCPU count, hotplug, placement and pinning of a guest (see
 * dom_vcpu.h). QEMU's view comes from query-hotpluggable-cpus (the slots,
 * plugged or not) and query-cpus-fast (the vCPU threads); pinning is the
 * threads' scheduler affinity, as libvirt sets it without cgroups. */
#include "dom_vcpu.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "deadline.h"
#include "dom_store.h"
#include "dom_xml.h"
#include "log.h"
#include "procstat.h"
#include "strbuf.h"

/* One slot of query-hotpluggable-cpus. */
struct slot {
    json_t *entry;             /* borrowed from the reply */
    long long key[4];          /* socket, die, core, thread ids */
};

static long long
prop(json_t *props, const char *k)
{
    json_t *v = json_object_get(props, k);
    return v ? (long long)json_integer_value(v) : 0;
}

static int
slot_cmp(const void *a, const void *b)
{
    const struct slot *x = a, *y = b;
    for (int i = 0; i < 4; i++)
        if (x->key[i] != y->key[i])
            return x->key[i] < y->key[i] ? -1 : 1;
    return 0;
}

static const char *
qom_path(const struct slot *s)
{
    return json_string_value(json_object_get(s->entry, "qom-path"));
}

/* The slots in topology order (vCPU i is slots[i], as QEMU numbers them);
 * *reply holds them (json_decref it). */
static struct slot *
get_slots(struct qmp *q, json_t **reply, size_t *n, struct lv_err *err)
{
    json_t *r = dom_qmp_run(q, "query-hotpluggable-cpus", NULL, err), *e;
    struct slot *v;
    size_t i;

    if (!r)
        return NULL;
    v = lv_calloc(json_array_size(r) + 1, sizeof(*v));
    json_array_foreach(r, i, e) {
        json_t *p = json_object_get(e, "props");
        v[i].entry = e;
        v[i].key[0] = prop(p, "socket-id");
        v[i].key[1] = prop(p, "die-id");
        v[i].key[2] = prop(p, "core-id");
        v[i].key[3] = prop(p, "thread-id");
    }
    qsort(v, json_array_size(r), sizeof(*v), slot_cmp);
    *reply = r;
    *n = json_array_size(r);
    return v;
}

static int
plug(struct qmp *q, const struct slot *s, size_t idx, struct lv_err *err)
{
    json_t *args = json_deep_copy(json_object_get(s->entry, "props"));

    if (!args)
        args = json_object();
    json_object_del(args, "node-id");
    json_object_set_new(args, "driver", json_string(json_string_value(
        json_object_get(s->entry, "type"))));
    json_object_set_new(args, "id", json_sprintf("vcpu%zu", idx));
    return dom_qmp_ok(q, "device_add", args, err);
}

static const char *
str_or(json_t *j)
{
    const char *s = json_string_value(j);
    return s ? s : "";
}

/* Is the vCPU at path gone from QEMU (query-cpus-fast)? 1, 0, -1 + err. */
static int
vcpu_gone(struct qmp *q, const char *path, struct lv_err *err)
{
    json_t *r = dom_qmp_run(q, "query-cpus-fast", NULL, err), *e;
    size_t i;
    int gone = 1;

    if (!r)
        return -1;
    json_array_foreach(r, i, e)
        if (!strcmp(str_or(json_object_get(e, "qom-path")), path))
            gone = 0;
    json_decref(r);
    return gone;
}

/* What an event says of the unplug of the vCPU at path: 1 it may be gone
 * (check), 0 nothing, -1 the guest refused (err set). QEMU 7.2 reports a
 * vCPU's removal as DEVICE_DELETED of its children (".../vcpu1/lapic") and
 * the guest's answer as ACPI_DEVICE_OST of the CPU slot. */
static int
unplug_event(json_t *ev, const char *name, const char *path, size_t idx,
             struct lv_err *err)
{
    const char *what = str_or(json_object_get(ev, "event"));
    json_t *data = json_object_get(ev, "data");
    size_t n = strlen(path);

    if (!strcmp(what, "DEVICE_DELETED")) {
        const char *p = str_or(json_object_get(data, "path"));
        return !strncmp(p, path, n) && (p[n] == '\0' || p[n] == '/');
    }
    if (!strcmp(what, "ACPI_DEVICE_OST")) {
        json_t *info = json_object_get(data, "info");
        long long st = (long long)json_integer_value(json_object_get(info, "status"));
        if (strcmp(str_or(json_object_get(info, "slot-type")), "CPU") != 0 ||
            json_integer_value(json_object_get(info, "source")) != 3)
            return 0;
        if (st >= 0x80 && st <= 0x83) {     /* _OST: ejection refused */
            lv_err_set(err, LV_E_STATE, "domain '%s': vcpu %zu: the guest refused to "
                       "release it (ACPI status 0x%llx)", name, idx, st);
            return -1;
        }
        return st == 0;
    }
    return 0;
}

struct vcpu_unplug {
    struct qmp *q;
    const char *name, *path;
    size_t idx;
};

/* An event during the unplug of a vCPU: gone once an event says it may be
 * and query-cpus-fast no longer lists it. */
static int
vcpu_done(json_t *ev, void *arg, struct lv_err *err)
{
    struct vcpu_unplug *v = arg;
    int r = unplug_event(ev, v->name, v->path, v->idx, err);

    return r > 0 ? vcpu_gone(v->q, v->path, err) : r;
}

/* device_del the vCPU at path and wait until QEMU has removed it: the
 * guest has to offline and eject it. */
static int
unplug(struct qmp *q, const char *name, const char *path, size_t idx,
       struct lv_err *err)
{
    const char *pre = "/machine/peripheral/";
    struct vcpu_unplug v = { q, name, path, idx };
    char *what = lv_asprintf("vcpu %zu", idx);
    struct dom_unplug u = {
        .name = name, .what = what, .done = vcpu_done, .arg = &v,
        .id = strncmp(path, pre, strlen(pre)) ? path : path + strlen(pre),
    };
    int r = dom_qmp_unplug(q, &u, err);

    free(what);
    return r;
}

static int
live_set(struct dom_edit_op *op, unsigned n, struct lv_err *err)
{
    struct qmp *q = dom_edit_op_qmp(op, err);
    json_t *reply = NULL;
    struct slot *s = NULL;
    size_t ns = 0, cur = 0, before;
    int ret = -1;

    if (!q || !(s = get_slots(q, &reply, &ns, err)))
        goto out;
    for (size_t i = 0; i < ns; i++)
        cur += qom_path(&s[i]) != NULL;
    before = cur;
    if (n > ns) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot set %u vcpus: above the "
                   "maximum of %zu", op->name, n, ns);
        goto out;
    }
    for (size_t i = 0; i < ns && cur < n; i++)
        if (!qom_path(&s[i])) {
            if (plug(q, &s[i], i, err) < 0)
                goto out;
            cur++;
        }
    for (size_t i = ns; i-- > 1 && cur > n;)
        if (qom_path(&s[i])) {
            if (unplug(q, op->name, qom_path(&s[i]), i, err) < 0)
                goto out;
            cur--;
        }
    if (cur > n) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot unplug vcpu 0", op->name);
        goto out;
    }
    ret = 0;
out:
    /* what the guest has now, even after a failure half way */
    if (s && cur != before)
        op->live_def->vcpus_current = cur == op->live_def->vcpus ? 0 : (unsigned)cur;
    free(s);
    json_decref(reply);
    return ret;
}

static int
config_set(struct dom_edit_op *op, unsigned n, int maximum, struct lv_err *err)
{
    struct dom_def *d = op->conf_def;
    const struct dom_cpu *cpu = &d->cpu;
    unsigned max = d->vcpus ? d->vcpus : 1;

    if (maximum) {
        unsigned long long topo = (unsigned long long)(cpu->sockets ? cpu->sockets : 1) *
            (cpu->dies ? cpu->dies : 1) * (cpu->cores ? cpu->cores : 1) *
            (cpu->threads ? cpu->threads : 1);
        if ((cpu->sockets || cpu->cores || cpu->threads) && topo != n) {
            lv_err_set(err, LV_E_INVALID, "domain '%s': cannot set the maximum to %u "
                       "vcpus: the cpu topology gives %llu", op->name, n, topo);
            return -1;
        }
        unsigned cur = d->vcpus_current ? d->vcpus_current : max;
        d->vcpus = n;
        d->vcpus_current = cur < n ? cur : 0;
        return 0;
    }
    if (n > max) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot set %u vcpus: above the "
                   "maximum of %u", op->name, n, max);
        return -1;
    }
    d->vcpus_current = n == max ? 0 : n;
    return 0;
}

int
dom_vcpu_set(struct lv_conn *c, const char *name, const struct dom_vcpu_req *req,
             struct lv_err *err)
{
    struct dom_edit_op op = { .c = c, .name = name };
    unsigned n = req->n;
    int maximum = req->maximum, ret = -1;

    if (n == 0) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot set 0 vcpus", name);
        return -1;
    }
    if (dom_edit_op_begin(&op, &req->scope, "set vcpus", err) < 0)
        return -1;
    if (maximum && op.live) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot change the maximum "
                   "vcpus of a running guest; use --config", name);
        goto out;
    }
    /* config first: it can only fail on input, before the guest changes */
    if (op.config && config_set(&op, n, maximum, err) < 0)
        goto out;
    if (op.live) {
        unsigned was = op.live_def->vcpus_current;
        if (live_set(&op, n, err) < 0) {
            /* some vCPUs may have come or gone: the live XML says how many */
            if (op.live_def->vcpus_current != was) {
                char *path = dom_run_file(c, name, "live.xml");
                struct lv_err e2 = LV_ERR_INIT;
                dom_store_save_file(path, op.live_def, DOM_FORMAT_SECURE, &e2);
                free(path);
            }
            goto out;
        }
    }
    if (op.live && dom_vcpu_apply_tune(op.s.q, op.live_def, op.s.st.qemu_pid, err) < 0)
        goto out;
    ret = dom_edit_op_commit(&op, err);
out:
    dom_edit_op_end(&op);
    return ret;
}

int
dom_vcpu_threads(struct qmp *q, struct dom_vcpu_thread **out, size_t *n,
                 struct lv_err *err)
{
    json_t *r = dom_qmp_run(q, "query-cpus-fast", NULL, err), *e;
    struct dom_vcpu_thread *v;
    size_t i;

    if (!r)
        return -1;
    v = lv_calloc(json_array_size(r) + 1, sizeof(*v));
    json_array_foreach(r, i, e) {
        v[i].vcpu = (unsigned)json_integer_value(json_object_get(e, "cpu-index"));
        v[i].tid = (pid_t)json_integer_value(json_object_get(e, "thread-id"));
    }
    *n = json_array_size(r);
    json_decref(r);
    /* QEMU lists them in plug order: sort by index */
    for (size_t a = 1; a < *n; a++)
        for (size_t b = a; b > 0 && v[b - 1].vcpu > v[b].vcpu; b--) {
            struct dom_vcpu_thread t = v[b];
            v[b] = v[b - 1];
            v[b - 1] = t;
        }
    *out = v;
    return 0;
}

int
dom_vcpu_count(struct lv_conn *c, const char *name, struct dom_vcpu_count *out,
               struct lv_err *err)
{
    struct dom_session s;
    struct dom_def *def = NULL;
    struct dom_vcpu_thread *t = NULL;
    struct qmp *q;
    size_t n;
    int ret = -1;

    out->max_config = out->cur_config = out->max_live = out->cur_live = -1;
    if (dom_session_begin(&s, c, name, "count vcpus", 0, err) < 0)
        return -1;
    if (dom_store_exists(c, name)) {
        if (!(def = dom_store_load(c, name, err)))
            goto out;
        out->max_config = def->vcpus ? (int)def->vcpus : 1;
        out->cur_config = def->vcpus_current ? (int)def->vcpus_current : out->max_config;
        dom_def_free(def);
        def = NULL;
    }
    if (s.st.state != DOM_STATE_SHUTOFF) {
        char *path = dom_run_file(c, name, "live.xml");
        def = dom_store_load_file(path, name, err);
        free(path);
        if (!def || !(q = dom_session_qmp(&s, err)) ||
            dom_vcpu_threads(q, &t, &n, err) < 0)
            goto out;
        out->max_live = def->vcpus ? (int)def->vcpus : 1;
        out->cur_live = (int)n;
    }
    ret = 0;
out:
    free(t);
    dom_def_free(def);
    dom_session_end(&s);
    return ret;
}

int
dom_vcpu_info(struct lv_conn *c, const char *name, struct dom_vcpu_info **out,
              size_t *n, struct lv_err *err)
{
    struct dom_session s;
    struct dom_vcpu_thread *t = NULL;
    struct dom_vcpu_info *v = NULL;
    struct qmp *q;
    size_t nt = 0;
    int ret = -1;

    if (dom_session_begin(&s, c, name, "get vcpu info", DOM_SESSION_ACTIVE, err) < 0)
        return -1;
    if (!(q = dom_session_qmp(&s, err)) || dom_vcpu_threads(q, &t, &nt, err) < 0)
        goto out;
    v = lv_calloc(nt + 1, sizeof(*v));
    for (size_t i = 0; i < nt; i++) {
        struct lv_procstat ps;
        v[i].vcpu = t[i].vcpu;
        v[i].tid = t[i].tid;
        if (lv_procstat_read(s.st.qemu_pid, t[i].tid, &ps, err) < 0 ||
            sched_getaffinity(t[i].tid, sizeof(v[i].affinity), &v[i].affinity) < 0) {
            if (err->code == LV_E_OK)
                lv_err_sys(err, "cannot read the affinity of thread %d", (int)t[i].tid);
            lv_err_prefix(err, "domain '%s': vcpu %u: ", name, t[i].vcpu);
            goto out;
        }
        v[i].cpu = ps.processor;
        v[i].state = ps.state;
        v[i].time_ns = ps.user_ns + ps.system_ns;
    }
    *out = v;
    *n = nt;
    v = NULL;
    ret = 0;
out:
    free(v);
    free(t);
    dom_session_end(&s);
    return ret;
}
