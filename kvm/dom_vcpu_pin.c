/* dom_vcpu_pin.c - vcpupin and emulatorpin (see dom_vcpu.h): the
 * scheduler affinity of QEMU's vCPU threads and of its other threads (the
 * emulator), and <cputune><vcpupin/><emulatorpin/> in the definitions. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "dom_store.h"
#include "dom_vcpu.h"
#include "log.h"
#include "strbuf.h"

/* The recorded pin of vcpu in def, or NULL. */
static const char *
pin_of(const struct dom_def *def, unsigned vcpu)
{
    for (size_t i = 0; i < def->n_vcpupins; i++)
        if (def->vcpupins[i].vcpu == vcpu)
            return def->vcpupins[i].cpuset;
    return NULL;
}

/* Record cpulist as vcpu's pin (vcpu -1: the emulator's) in def. */
static void
record_pin(struct dom_def *def, int vcpu, const char *cpulist)
{
    if (vcpu < 0) {
        free(def->emulatorpin_cpuset);
        def->emulatorpin_cpuset = lv_strdup(cpulist);
        return;
    }
    for (size_t i = 0; i < def->n_vcpupins; i++)
        if (def->vcpupins[i].vcpu == (unsigned)vcpu) {
            free(def->vcpupins[i].cpuset);
            def->vcpupins[i].cpuset = lv_strdup(cpulist);
            return;
        }
    def->vcpupins = lv_realloc(def->vcpupins,
                               (def->n_vcpupins + 1) * sizeof(*def->vcpupins));
    def->vcpupins[def->n_vcpupins].vcpu = (unsigned)vcpu;
    def->vcpupins[def->n_vcpupins].cpuset = lv_strdup(cpulist);
    def->n_vcpupins++;
}

static int
set_affinity(pid_t tid, const cpu_set_t *set, struct lv_err *err)
{
    if (sched_setaffinity(tid, sizeof(*set), set) < 0) {
        lv_err_sys(err, "cannot set the affinity of thread %d", (int)tid);
        return -1;
    }
    return 0;
}

static int
is_vcpu_thread(const struct dom_vcpu_thread *t, size_t n, pid_t tid)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].tid == tid)
            return 1;
    return 0;
}

/* Every thread of pid that is not a vCPU thread gets set. */
static int
pin_emulator(pid_t pid, const struct dom_vcpu_thread *t, size_t nt,
             const cpu_set_t *set, struct lv_err *err)
{
    char path[64];
    DIR *d;
    struct dirent *e;
    int ret = 0;

    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    if (!(d = opendir(path))) {
        lv_err_sys(err, "cannot list %s", path);
        return -1;
    }
    while (ret == 0 && (e = readdir(d))) {
        pid_t tid = (pid_t)atoi(e->d_name);
        if (tid <= 0 || is_vcpu_thread(t, nt, tid))
            continue;
        /* a thread may end meanwhile (QEMU's worker threads come and go) */
        if (sched_setaffinity(tid, sizeof(*set), set) < 0 && errno != ESRCH) {
            lv_err_sys(err, "cannot set the affinity of thread %d", (int)tid);
            ret = -1;
        }
    }
    closedir(d);
    return ret;
}

/* The CPUs of a vCPU without a <vcpupin>: <vcpu cpuset=>, else all the
 * host's (a vCPU plugged after emulatorpin would otherwise inherit the
 * emulator's CPUs from the thread that made it). */
static void
default_set(const struct dom_def *def, cpu_set_t *set)
{
    struct lv_err ignored = LV_ERR_INIT;

    if (def->vcpu_cpuset && lv_cpuset_parse(def->vcpu_cpuset, set, &ignored) == 0)
        return;
    CPU_ZERO(set);
    for (int i = 0; i < lv_cpuset_host_cpus() && i < CPU_SETSIZE; i++)
        CPU_SET(i, set);
}

int
dom_vcpu_apply_tune(struct qmp *q, const struct dom_def *def, pid_t qemu_pid,
                    struct lv_err *err)
{
    struct dom_vcpu_thread *t = NULL;
    const char *emu = def->emulatorpin_cpuset ? def->emulatorpin_cpuset
                                              : def->vcpu_cpuset;
    size_t nt = 0;
    cpu_set_t set, dflt;
    int ret = -1;

    if (def->n_vcpupins == 0 && !emu)
        return 0;
    if (dom_vcpu_threads(q, &t, &nt, err) < 0)
        return -1;
    default_set(def, &dflt);
    for (size_t i = 0; i < nt; i++) {
        const char *pin = pin_of(def, t[i].vcpu);
        if (pin ? lv_cpuset_parse(pin, &set, err) < 0 ||
                  set_affinity(t[i].tid, &set, err) < 0
                : emu && set_affinity(t[i].tid, &dflt, err) < 0) {
            lv_err_prefix(err, "vcpu %u: ", t[i].vcpu);
            goto out;
        }
    }
    if (emu && (lv_cpuset_parse(emu, &set, err) < 0 ||
                pin_emulator(qemu_pid, t, nt, &set, err) < 0)) {
        lv_err_prefix(err, "emulator: ");
        goto out;
    }
    ret = 0;
out:
    free(t);
    return ret;
}

/* Pin the live threads: vcpu's, if it is plugged, or the emulator's. */
static int
live_pin(struct dom_edit_op *op, int vcpu, const cpu_set_t *set, struct lv_err *err)
{
    struct qmp *q = dom_edit_op_qmp(op, err);
    struct dom_vcpu_thread *t = NULL;
    size_t nt = 0;
    int ret = -1;

    if (!q || dom_vcpu_threads(q, &t, &nt, err) < 0)
        goto out;
    if (vcpu < 0) {
        ret = pin_emulator(op->s.st.qemu_pid, t, nt, set, err);
        goto out;
    }
    ret = 0;
    for (size_t i = 0; i < nt; i++)
        if (t[i].vcpu == (unsigned)vcpu)
            ret = set_affinity(t[i].tid, set, err);
out:
    free(t);
    return ret;
}

int
dom_vcpu_pin(struct lv_conn *c, const char *name, const struct dom_vcpu_pin_req *req,
             struct lv_err *err)
{
    struct dom_edit_op op = { .c = c, .name = name };
    int vcpu = req->vcpu;
    const char *cpulist = req->cpulist;
    char what[64], norm[LV_CPUSET_BUFLEN];
    cpu_set_t set;
    int ret = -1;

    if (vcpu >= 0)
        snprintf(what, sizeof(what), "pin vcpu %d", vcpu);
    else
        snprintf(what, sizeof(what), "pin the emulator");
    if (lv_cpuset_parse(cpulist, &set, err) < 0 || lv_cpuset_check_host(&set, err) < 0 ||
        lv_cpuset_format(&set, norm, sizeof(norm)) < 0) {
        lv_err_prefix(err, "domain '%s': cannot %s: ", name, what);
        return -1;
    }
    if (dom_edit_op_begin(&op, &req->scope, what, err) < 0)
        return -1;
    for (int k = 0; k < 2; k++) {
        const struct dom_def *d = k ? op.live_def : op.conf_def;
        if (d && vcpu >= 0 && (unsigned)vcpu >= (d->vcpus ? d->vcpus : 1)) {
            lv_err_set(err, LV_E_INVALID, "domain '%s': cannot %s: the guest has "
                       "%u vcpus at most", name, what, d->vcpus ? d->vcpus : 1);
            goto out;
        }
    }
    if (op.live && live_pin(&op, vcpu, &set, err) < 0) {
        lv_err_prefix(err, "domain '%s': cannot %s: ", name, what);
        goto out;
    }
    if (op.conf_def)
        record_pin(op.conf_def, vcpu, norm);
    if (op.live_def)
        record_pin(op.live_def, vcpu, norm);
    ret = dom_edit_op_commit(&op, err);
out:
    dom_edit_op_end(&op);
    return ret;
}

static char *
all_host_cpus(void)
{
    return lv_asprintf("0-%d", lv_cpuset_host_cpus() - 1);
}

static char *
affinity_of(pid_t tid, struct lv_err *err)
{
    cpu_set_t set;
    char buf[LV_CPUSET_BUFLEN];

    if (sched_getaffinity(tid, sizeof(set), &set) < 0) {
        lv_err_sys(err, "cannot read the affinity of thread %d", (int)tid);
        return NULL;
    }
    lv_cpuset_format(&set, buf, sizeof(buf));
    return lv_strdup(buf);
}

/* Fill v[0..n) from the live threads; slots without a thread stay NULL. */
static int
live_pins(struct dom_session *s, char **v, size_t n, char **emu, struct lv_err *err)
{
    struct qmp *q = dom_session_qmp(s, err);
    struct dom_vcpu_thread *t = NULL;
    size_t nt = 0;
    int ret = -1;

    if (!q || dom_vcpu_threads(q, &t, &nt, err) < 0)
        goto out;
    for (size_t i = 0; i < nt; i++)
        if (t[i].vcpu < n && !(v[t[i].vcpu] = affinity_of(t[i].tid, err)))
            goto out;
    if (!(*emu = affinity_of(s->st.qemu_pid, err)))
        goto out;
    ret = 0;
out:
    free(t);
    return ret;
}

int
dom_vcpu_pins_get(struct lv_conn *c, const char *name, int config,
                  struct dom_vcpu_pins *out, struct lv_err *err)
{
    struct dom_session s;
    struct dom_def *def = NULL;
    char **v = NULL, *emu = NULL;
    size_t nv = 0;
    int live, ret = -1;

    if (dom_session_begin(&s, c, name, "get the vcpu pinning", 0, err) < 0)
        return -1;
    live = !config && s.st.state != DOM_STATE_SHUTOFF;
    if (live) {
        char *path = dom_run_file(c, name, "live.xml");
        def = dom_store_load_file(path, name, err);
        free(path);
    } else if (!dom_store_exists(c, name)) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': a transient domain has no "
                   "persistent configuration", name);
    } else {
        def = dom_store_load(c, name, err);
    }
    if (!def)
        goto out;
    nv = def->vcpus ? def->vcpus : 1;
    v = lv_calloc(nv, sizeof(*v));
    if (live && live_pins(&s, v, nv, &emu, err) < 0)
        goto out;
    for (size_t i = 0; i < nv; i++)
        if (!v[i])
            v[i] = pin_of(def, (unsigned)i) ? lv_strdup(pin_of(def, (unsigned)i))
                 : def->vcpu_cpuset ? lv_strdup(def->vcpu_cpuset) : all_host_cpus();
    if (!emu)
        emu = def->emulatorpin_cpuset ? lv_strdup(def->emulatorpin_cpuset)
            : def->vcpu_cpuset ? lv_strdup(def->vcpu_cpuset) : all_host_cpus();
    *out = (struct dom_vcpu_pins){ .vcpus = v, .n = nv, .emulator = emu };
    v = NULL;
    emu = NULL;
    ret = 0;
out:
    if (v)
        for (size_t i = 0; i < nv; i++)
            free(v[i]);
    free(v);
    free(emu);
    dom_def_free(def);
    dom_session_end(&s);
    return ret;
}

void
dom_vcpu_pins_free(struct dom_vcpu_pins *p)
{
    if (p->vcpus)
        for (size_t i = 0; i < p->n; i++)
            free(p->vcpus[i]);
    free(p->vcpus);
    free(p->emulator);
    memset(p, 0, sizeof(*p));
}
