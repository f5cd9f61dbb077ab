/* dom_mem.c - setmem, setmaxmem and dommemstat (see dom_mem.h). The live
 * side is QEMU's virtio-balloon device "balloon0" (as the argv builder
 * names it): balloon sets the target, query-balloon reads it back, the
 * guest-stats property holds what the guest's driver reports. */
#include "dom_mem.h"

#include <stdlib.h>
#include <string.h>

#include "dom_session.h"
#include "dom_store.h"
#include "procstat.h"
#include "units.h"

#define BALLOON_PATH "/machine/peripheral/balloon0"

/* The guest's figures: QEMU's stat name, divisor to KiB (1: a count). */
enum { SW_IN, SW_OUT, MAJ, MIN, UNUSED, AVAIL, USABLE, CACHES, HPALLOC,
       HPFAIL, N_GUEST };
static const struct { const char *qemu, *virsh; long long div; } guest_stats[] = {
    [SW_IN] = { "stat-swap-in", "swap_in", 1024 },
    [SW_OUT] = { "stat-swap-out", "swap_out", 1024 },
    [MAJ] = { "stat-major-faults", "major_fault", 1 },
    [MIN] = { "stat-minor-faults", "minor_fault", 1 },
    [UNUSED] = { "stat-free-memory", "unused", 1024 },
    [AVAIL] = { "stat-total-memory", "available", 1024 },
    [USABLE] = { "stat-available-memory", "usable", 1024 },
    [CACHES] = { "stat-disk-caches", "disk_caches", 1024 },
    [HPALLOC] = { "stat-htlb-pgalloc", "hugetlb_pgalloc", 1 },
    [HPFAIL] = { "stat-htlb-pgfail", "hugetlb_pgfail", 1 },
};

struct balloon {
    long long actual_kib;      /* -1: no balloon */
    long long guest[N_GUEST];  /* -1: not reported */
    long long last_update;     /* 0: never */
    long long rss_kib;         /* -1: unknown */
};

static void
read_balloon(struct qmp *q, pid_t pid, struct balloon *b)
{
    struct lv_err err = LV_ERR_INIT;
    json_t *r = dom_qmp_run(q, "query-balloon", NULL, &err), *st;

    b->actual_kib = -1;
    b->last_update = 0;
    for (int i = 0; i < N_GUEST; i++)
        b->guest[i] = -1;
    b->rss_kib = pid > 0 ? lv_procstat_rss_kib(pid, &err) : -1;
    if (!r)
        return;
    b->actual_kib = (long long)json_integer_value(json_object_get(r, "actual")) / 1024;
    json_decref(r);
    r = dom_qmp_run(q, "qom-get", json_pack("{s:s, s:s}", "path", BALLOON_PATH,
                                            "property", "guest-stats"), &err);
    if (!r)
        return;
    b->last_update = (long long)json_integer_value(json_object_get(r, "last-update"));
    st = json_object_get(r, "stats");
    for (int i = 0; b->last_update && i < N_GUEST; i++) {
        json_t *v = json_object_get(st, guest_stats[i].qemu);
        long long x = v ? (long long)json_integer_value(v) : -1;
        b->guest[i] = x < 0 ? -1 : x / guest_stats[i].div;
    }
    json_decref(r);
}

static void
put(struct dom_stats *out, const char *prefix, const char *key, long long v)
{
    if (v >= 0)
        dom_stats_num(out, v, "%s%s", prefix, key);
}

int
dom_mem_balloon_stats(struct qmp *q, const struct dom_def *def, pid_t qemu_pid,
                      const char *prefix, struct dom_stats *out)
{
    struct balloon b;
    int dom = prefix[0] != '\0';    /* domstats' keys and order */
    static const int order_mem[] = { SW_IN, SW_OUT, MAJ, MIN, UNUSED, AVAIL, USABLE };
    static const int order_tail[] = { CACHES, HPALLOC, HPFAIL };
    long long max = (long long)dom_def_mem_total_kib(def);

    read_balloon(q, qemu_pid, &b);
    if (dom) {
        put(out, prefix, "current", b.actual_kib >= 0 ? b.actual_kib :
            (long long)(def->current_memory_kib ? def->current_memory_kib
                                                 : (uint64_t)max));
        put(out, prefix, "maximum", max);
    } else {
        put(out, prefix, "actual", b.actual_kib >= 0 ? b.actual_kib : max);
    }
    for (size_t i = 0; i < sizeof(order_mem) / sizeof(*order_mem) - (size_t)dom; i++)
        put(out, prefix, guest_stats[order_mem[i]].virsh, b.guest[order_mem[i]]);
    if (dom) {
        put(out, prefix, "rss", b.rss_kib);
        put(out, prefix, "last-update", b.last_update ? b.last_update : -1);
        put(out, prefix, "usable", b.guest[USABLE]);
    } else {
        put(out, prefix, "last_update", b.last_update ? b.last_update : -1);
    }
    for (size_t i = 0; i < sizeof(order_tail) / sizeof(*order_tail); i++)
        put(out, prefix, guest_stats[order_tail[i]].virsh, b.guest[order_tail[i]]);
    if (!dom)
        put(out, prefix, "rss", b.rss_kib);
    return 0;
}

static int
set_period(struct qmp *q, int period, struct lv_err *err)
{
    return dom_qmp_ok(q, "qom-set", json_pack("{s:s, s:s, s:i}", "path", BALLOON_PATH,
                      "property", "guest-stats-polling-interval", "value", period),
                      err);
}

int
dom_mem_apply_period(struct qmp *q, const struct dom_def *def, struct lv_err *err)
{
    const struct dom_memballoon *b = &def->memballoon;

    if (b->stats_period <= 0 || (b->present && b->model && !strcmp(b->model, "none")))
        return 0;
    if (set_period(q, b->stats_period, err) < 0) {
        lv_err_prefix(err, "memballoon stats period: ");
        return -1;
    }
    return 0;
}

int
dom_mem_stats(struct lv_conn *c, const char *name, int period, struct dom_stats *out,
              struct lv_err *err)
{
    struct dom_session s;
    struct dom_def *def = NULL;
    struct qmp *q;
    char *path = NULL;
    int ret = -1;

    if (dom_session_begin(&s, c, name, "get memory statistics", DOM_SESSION_ACTIVE,
                          err) < 0)
        return -1;
    path = dom_run_file(c, name, "live.xml");
    if (!(def = dom_store_load_file(path, name, err)) || !(q = dom_session_qmp(&s, err)))
        goto out;
    if (period >= 0 && set_period(q, period, err) < 0) {
        lv_err_prefix(err, "domain '%s': cannot set the statistics period: ", name);
        goto out;
    }
    ret = dom_mem_balloon_stats(q, def, s.st.qemu_pid, "", out);
out:
    free(path);
    dom_def_free(def);
    dom_session_end(&s);
    return ret;
}

static int
above(const char *name, const char *what, uint64_t kib, uint64_t max,
      struct lv_err *err)
{
    char a[LV_UNITS_BUFLEN], b[LV_UNITS_BUFLEN];

    lv_units_format(kib, a, sizeof(a));
    lv_units_format(max, b, sizeof(b));
    lv_err_set(err, LV_E_INVALID, "domain '%s': cannot set %s to %s: above the "
               "maximum of %s", name, what, a, b);
    return -1;
}

static int
live_balloon(struct dom_edit_op *op, uint64_t kib, struct lv_err *err)
{
    struct qmp *q = dom_edit_op_qmp(op, err);
    json_t *r;

    if (!q)
        return -1;
    if (!(r = dom_qmp_run(q, "query-balloon", NULL, err))) {
        lv_err_set(err, LV_E_UNSUPPORTED, "domain '%s': cannot set memory live: the "
                   "guest has no balloon device (<memballoon model='virtio'/>)",
                   op->name);
        return -1;
    }
    json_decref(r);
    if (dom_qmp_ok(q, "balloon", json_pack("{s:I}", "value", (json_int_t)(kib * 1024)),
                   err) < 0) {
        lv_err_prefix(err, "domain '%s': cannot set memory: ", op->name);
        return -1;
    }
    return 0;
}

int
dom_mem_set(struct lv_conn *c, const char *name, uint64_t kib,
            const struct dom_scope *scope, struct lv_err *err)
{
    struct dom_edit_op op = { .c = c, .name = name };
    int ret = -1;

    if (kib == 0) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot set memory to 0", name);
        return -1;
    }
    if (dom_edit_op_begin(&op, scope, "set memory", err) < 0)
        return -1;
    if (op.config && kib > dom_def_mem_total_kib(op.conf_def)) {
        above(name, "memory", kib, dom_def_mem_total_kib(op.conf_def), err);
        goto out;
    }
    if (op.live && kib > dom_def_mem_total_kib(op.live_def)) {
        above(name, "memory", kib, dom_def_mem_total_kib(op.live_def), err);
        goto out;
    }
    if (op.live && live_balloon(&op, kib, err) < 0)
        goto out;
    if (op.conf_def)
        op.conf_def->current_memory_kib = kib;
    if (op.live_def)
        op.live_def->current_memory_kib = kib;
    ret = dom_edit_op_commit(&op, err);
out:
    dom_edit_op_end(&op);
    return ret;
}

int
dom_mem_set_max(struct lv_conn *c, const char *name, uint64_t kib,
                const struct dom_scope *scope, struct lv_err *err)
{
    struct dom_edit_op op = { .c = c, .name = name };
    struct dom_def *d;
    int ret = -1;

    if (kib == 0) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot set the maximum memory "
                   "to 0", name);
        return -1;
    }
    if (dom_edit_op_begin(&op, scope, "set the maximum memory", err) < 0)
        return -1;
    if (op.live) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot change the maximum "
                   "memory of a running guest; use --config", name);
        goto out;
    }
    d = op.conf_def;
    if (d->cpu.n_cells > 0) {
        lv_err_set(err, LV_E_UNSUPPORTED, "domain '%s': cannot set the maximum "
                   "memory: it is the sum of the guest's NUMA cells", name);
        goto out;
    }
    if (d->max_memory_kib && kib > d->max_memory_kib) {
        above(name, "the maximum memory", kib, d->max_memory_kib, err);
        goto out;
    }
    d->memory_kib = kib;
    if (d->current_memory_kib > kib)
        d->current_memory_kib = kib;
    ret = dom_edit_op_commit(&op, err);
out:
    dom_edit_op_end(&op);
    return ret;
}
