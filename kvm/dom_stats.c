/* dom_stats.c - domstats and cpu-stats (see dom_stats.h). The figures
 * that need QMP (balloon, vCPU threads) are read under the guest's lock in
 * one session; interface and block counters come through domifstat's and
 * domblkstat's own functions, after the lock is released. */
#include "dom_stats.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom.h"
#include "dom_disk.h"
#include "dom_mem.h"
#include "dom_net.h"
#include "dom_session.h"
#include "dom_store.h"
#include "dom_vcpu.h"
#include "procstat.h"
#include "strbuf.h"
#include "net/tap.h"

static struct dom_stat *push(struct dom_stats *s, const char *fmt, va_list ap)
    LV_PRINTF(2, 0);

static struct dom_stat *
push(struct dom_stats *s, const char *fmt, va_list ap)
{
    struct dom_stat *e;
    char *key = NULL;

    if (vasprintf(&key, fmt, ap) < 0)
        abort();
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 32;
        s->v = lv_realloc(s->v, s->cap * sizeof(*s->v));
    }
    e = &s->v[s->n++];
    memset(e, 0, sizeof(*e));
    e->key = key;
    return e;
}

void
dom_stats_num(struct dom_stats *s, long long num, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    push(s, fmt, ap)->num = num;
    va_end(ap);
}

void
dom_stats_str(struct dom_stats *s, const char *str, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    push(s, fmt, ap)->str = lv_strdup(str ? str : "");
    va_end(ap);
}

void
dom_stats_free(struct dom_stats *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].key);
        free(s->v[i].str);
    }
    free(s->v);
    memset(s, 0, sizeof(*s));
}

/* libvirt's virDomainState numbers and its reasons' numbers for the
 * reasons luavirt records. */
static int
state_num(enum dom_state st)
{
    static const int n[DOM_STATE__COUNT] = {
        [DOM_STATE_SHUTOFF] = 5, [DOM_STATE_RUNNING] = 1, [DOM_STATE_PAUSED] = 3,
        [DOM_STATE_SHUTDOWN] = 4, [DOM_STATE_CRASHED] = 6, [DOM_STATE_PMSUSPENDED] = 7,
    };
    return n[st];
}

static int
reason_num(enum dom_state st, const char *reason)
{
    static const char *const running[] = { "unknown", "booted", "migrated", "restored",
        "from snapshot", "unpaused", NULL };
    static const char *const paused[] = { "unknown", "user", NULL };
    static const char *const shutoff[] = { "unknown", "shutdown", "destroyed",
        "crashed", "migrated", "saved", "failed", "from snapshot", NULL };
    const char *const *t = st == DOM_STATE_RUNNING ? running :
                           st == DOM_STATE_PAUSED ? paused :
                           st == DOM_STATE_SHUTOFF ? shutoff : NULL;
    for (int i = 0; t && t[i]; i++)
        if (!strcmp(t[i], reason))
            return i;
    return 0;
}

/* cpu.*, vcpu.* and balloon.* of a running guest, under its lock. */
static int
live_groups(struct dom_session *s, const struct dom_def *def, unsigned groups,
            struct dom_stats *out, struct lv_err *err)
{
    struct dom_vcpu_thread *t = NULL;
    struct lv_procstat ps;
    struct qmp *q = NULL;
    size_t nt = 0;
    int ret = -1;

    if (groups & (DOM_STATS_BALLOON | DOM_STATS_VCPU))
        if (!(q = dom_session_qmp(s, err)))
            goto out;
    if (groups & DOM_STATS_CPU) {
        if (lv_procstat_read(s->st.qemu_pid, 0, &ps, err) < 0) {
            lv_err_prefix(err, "domain '%s': ", def->name);
            goto out;
        }
        dom_stats_num(out, (long long)(ps.user_ns + ps.system_ns), "cpu.time");
        dom_stats_num(out, (long long)ps.user_ns, "cpu.user");
        dom_stats_num(out, (long long)ps.system_ns, "cpu.system");
    }
    if (groups & DOM_STATS_BALLOON)
        dom_mem_balloon_stats(q, def, s->st.qemu_pid, "balloon.", out);
    if (groups & DOM_STATS_VCPU) {
        if (dom_vcpu_threads(q, &t, &nt, err) < 0)
            goto out;
        dom_stats_num(out, (long long)nt, "vcpu.current");
        dom_stats_num(out, def->vcpus ? def->vcpus : 1, "vcpu.maximum");
        for (size_t i = 0; i < nt; i++) {
            if (lv_procstat_read(s->st.qemu_pid, t[i].tid, &ps, err) < 0) {
                lv_err_prefix(err, "domain '%s': ", def->name);
                goto out;
            }
            dom_stats_num(out, 1, "vcpu.%u.state", t[i].vcpu);
            dom_stats_num(out, (long long)(ps.user_ns + ps.system_ns), "vcpu.%u.time",
                          t[i].vcpu);
        }
    }
    ret = 0;
out:
    free(t);
    return ret;
}

static void
net_group(struct lv_conn *c, const struct dom_def *def, struct dom_stats *out)
{
    dom_stats_num(out, (long long)def->n_interfaces, "net.count");
    for (size_t i = 0; i < def->n_interfaces; i++) {
        const struct dom_interface *x = &def->interfaces[i];
        struct lv_err err = LV_ERR_INIT;
        struct tap_stats t;
        dom_stats_str(out, x->target_dev ? x->target_dev : x->mac, "net.%zu.name", i);
        /* a NIC without a host device (user networking) has no counters */
        if (dom_net_stats(c, def->name, x->mac, &t, &err) < 0)
            continue;
        dom_stats_num(out, (long long)t.rx_bytes, "net.%zu.rx.bytes", i);
        dom_stats_num(out, (long long)t.rx_packets, "net.%zu.rx.pkts", i);
        dom_stats_num(out, (long long)t.rx_errs, "net.%zu.rx.errs", i);
        dom_stats_num(out, (long long)t.rx_drop, "net.%zu.rx.drop", i);
        dom_stats_num(out, (long long)t.tx_bytes, "net.%zu.tx.bytes", i);
        dom_stats_num(out, (long long)t.tx_packets, "net.%zu.tx.pkts", i);
        dom_stats_num(out, (long long)t.tx_errs, "net.%zu.tx.errs", i);
        dom_stats_num(out, (long long)t.tx_drop, "net.%zu.tx.drop", i);
    }
}

static void
block_group(struct lv_conn *c, const struct dom_def *def, struct dom_stats *out)
{
    dom_stats_num(out, (long long)def->n_disks, "block.count");
    for (size_t i = 0; i < def->n_disks; i++) {
        const struct dom_disk *k = &def->disks[i];
        struct lv_err err = LV_ERR_INIT;
        struct dom_disk_stats s;
        struct dom_disk_info in;
        dom_stats_str(out, k->target_dev, "block.%zu.name", i);
        if (k->source)
            dom_stats_str(out, k->source, "block.%zu.path", i);
        /* an empty CD-ROM drive has no counters */
        if (k->target_dev && dom_disk_block_stats(c, def->name, k->target_dev, &s,
                                                  &err) == 0) {
            dom_stats_num(out, s.rd_req, "block.%zu.rd.reqs", i);
            dom_stats_num(out, s.rd_bytes, "block.%zu.rd.bytes", i);
            dom_stats_num(out, s.rd_total_times, "block.%zu.rd.times", i);
            dom_stats_num(out, s.wr_req, "block.%zu.wr.reqs", i);
            dom_stats_num(out, s.wr_bytes, "block.%zu.wr.bytes", i);
            dom_stats_num(out, s.wr_total_times, "block.%zu.wr.times", i);
            dom_stats_num(out, s.flush_operations, "block.%zu.fl.reqs", i);
            dom_stats_num(out, s.flush_total_times, "block.%zu.fl.times", i);
        }
        if (k->target_dev && k->source &&
            dom_disk_block_info(c, def->name, k->target_dev, &in, &err) == 0) {
            dom_stats_num(out, (long long)in.allocation, "block.%zu.allocation", i);
            dom_stats_num(out, (long long)in.capacity, "block.%zu.capacity", i);
            dom_stats_num(out, (long long)in.physical, "block.%zu.physical", i);
        }
    }
}

/* The sizes a shut-off guest has: from its definition. */
static void
inactive_groups(const struct dom_def *def, unsigned groups, struct dom_stats *out)
{
    uint64_t max = dom_def_mem_total_kib(def);

    if (groups & DOM_STATS_BALLOON) {
        dom_stats_num(out, (long long)(def->current_memory_kib ? def->current_memory_kib
                                                               : max), "balloon.current");
        dom_stats_num(out, (long long)max, "balloon.maximum");
    }
    if (groups & DOM_STATS_VCPU) {
        unsigned m = def->vcpus ? def->vcpus : 1;
        dom_stats_num(out, def->vcpus_current ? def->vcpus_current : m, "vcpu.current");
        dom_stats_num(out, m, "vcpu.maximum");
    }
}

int
dom_stats_get(struct lv_conn *c, const char *name, unsigned groups,
              struct dom_stats *out, struct lv_err *err)
{
    struct dom_session s;
    struct dom_def *def = NULL;
    int running, ret = -1;

    if (dom_session_begin(&s, c, name, "get statistics", 0, err) < 0)
        return -1;
    running = s.st.state != DOM_STATE_SHUTOFF;
    def = dom_get_def(c, name, !running, err);
    if (!def)
        goto out;
    if (groups & DOM_STATS_STATE) {
        dom_stats_num(out, state_num(s.st.state), "state.state");
        dom_stats_num(out, reason_num(s.st.state, s.st.reason), "state.reason");
    }
    if (!running) {
        inactive_groups(def, groups, out);
        ret = 0;
        goto out;
    }
    if (live_groups(&s, def, groups, out, err) < 0)
        goto out;
    dom_session_end(&s);     /* the per-device readers take the lock */
    if (groups & DOM_STATS_INTERFACE)
        net_group(c, def, out);
    if (groups & DOM_STATS_BLOCK)
        block_group(c, def, out);
    ret = 0;
out:
    dom_def_free(def);
    dom_session_end(&s);
    return ret;
}

int
dom_stats_cpu(struct lv_conn *c, const char *name, struct dom_cpu_stats *out,
              struct lv_err *err)
{
    struct dom_session s;
    struct dom_vcpu_thread *t = NULL;
    struct lv_procstat ps;
    struct qmp *q;
    size_t nt = 0;
    int ret = -1;

    memset(out, 0, sizeof(*out));
    if (dom_session_begin(&s, c, name, "get CPU statistics", DOM_SESSION_ACTIVE, err) < 0)
        return -1;
    if (lv_procstat_read(s.st.qemu_pid, 0, &ps, err) < 0) {
        lv_err_prefix(err, "domain '%s': ", name);
        goto out;
    }
    if (!(q = dom_session_qmp(&s, err)) || dom_vcpu_threads(q, &t, &nt, err) < 0)
        goto out;
    out->user_ns = ps.user_ns;
    out->system_ns = ps.system_ns;
    out->cpu_ns = ps.user_ns + ps.system_ns;
    for (size_t i = 0; i < nt; i++) {
        if (lv_procstat_read(s.st.qemu_pid, t[i].tid, &ps, err) < 0) {
            lv_err_prefix(err, "domain '%s': ", name);
            goto out;
        }
        out->vcpu_ns += ps.user_ns + ps.system_ns;
    }
    ret = 0;
out:
    free(t);
    dom_session_end(&s);
    return ret;
}
