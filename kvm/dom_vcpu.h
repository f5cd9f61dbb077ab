/* dom_vcpu.h - a guest's vCPUs: count (setvcpus, vcpucount), live
 * hotplug through QMP, where each vCPU thread runs (vcpuinfo), and pinning
 * of the vCPU and emulator threads (vcpupin, emulatorpin), live through
 * sched_setaffinity and persistent in <cputune>. */
#ifndef LV_DOM_VCPU_H
#define LV_DOM_VCPU_H

#include <sched.h>
#include <stdint.h>
#include <sys/types.h>

#include "conn.h"
#include "dom_edit_op.h"
#include "qmp.h"

/* What setvcpus asks. */
struct dom_vcpu_req {
    unsigned n;
    int maximum;                   /* set <vcpu> itself (config only) */
    struct dom_scope scope;
};

/* setvcpus: req->n vCPUs. Live: vCPUs plugged (device_add of the free
 * slots of query-hotpluggable-cpus, lowest first) or unplugged (device_del
 * of the highest, waiting for the guest to release each; vCPU 0 stays);
 * config: <vcpu current=>, or <vcpu> with maximum. Above the maximum, 0,
 * or --maximum --live is LV_E_INVALID; nothing changes. */
int dom_vcpu_set(struct lv_conn *c, const char *name, const struct dom_vcpu_req *req,
                 struct lv_err *err);

/* vcpucount: -1 where a value does not apply (live of a shut-off guest,
 * config of a transient one). */
struct dom_vcpu_count {
    int max_config, max_live, cur_config, cur_live;
};
int dom_vcpu_count(struct lv_conn *c, const char *name,
                   struct dom_vcpu_count *out, struct lv_err *err);

/* vcpuinfo of a running guest: one entry per vCPU QEMU has. */
struct dom_vcpu_info {
    unsigned vcpu;             /* QEMU's cpu-index */
    pid_t tid;                 /* its thread */
    int cpu;                   /* host CPU it last ran on */
    char state;                /* the thread's state letter */
    uint64_t time_ns;          /* user + system time */
    cpu_set_t affinity;
};
/* Caller frees *out. A shut-off guest is LV_E_STATE. */
int dom_vcpu_info(struct lv_conn *c, const char *name,
                  struct dom_vcpu_info **out, size_t *n, struct lv_err *err);

/* What vcpupin and emulatorpin ask (strings borrowed). */
struct dom_vcpu_pin_req {
    int vcpu;                      /* -1: the emulator */
    const char *cpulist;           /* "0-3,^2" */
    struct dom_scope scope;
};

/* vcpupin or emulatorpin: live by sched_setaffinity of the vCPU's thread
 * (of every non-vCPU thread of QEMU for the emulator), config in
 * <cputune>; both record it. A CPU the host lacks, a vCPU past the
 * maximum: LV_E_INVALID, nothing changed. */
int dom_vcpu_pin(struct lv_conn *c, const char *name,
                 const struct dom_vcpu_pin_req *req, struct lv_err *err);

/* The pinning as vcpupin/emulatorpin show it: for each vCPU up to the
 * maximum its CPU list, and the emulator's (all malloc'd). Live: the
 * threads' affinity (a vCPU not plugged: its recorded pin or all host
 * CPUs); config: <cputune>, else all host CPUs. */
struct dom_vcpu_pins {
    char **vcpus;
    size_t n;
    char *emulator;
};
int dom_vcpu_pins_get(struct lv_conn *c, const char *name, int config,
                      struct dom_vcpu_pins *out, struct lv_err *err);
void dom_vcpu_pins_free(struct dom_vcpu_pins *p);

/* Apply the <cputune> pins of def (and <vcpu cpuset=>) to the guest's
 * threads: by the supervisor right after QEMU is up, and after vCPUs are
 * plugged (a vCPU without a pin gets <vcpu cpuset=> or all host CPUs, not
 * the emulator's). */
int dom_vcpu_apply_tune(struct qmp *q, const struct dom_def *def, pid_t qemu_pid,
                        struct lv_err *err);

/* For stats: the vCPU threads of the guest at q (query-cpus-fast), as
 * (cpu-index, thread id) pairs; caller frees *out. */
struct dom_vcpu_thread {
    unsigned vcpu;
    pid_t tid;
};
int dom_vcpu_threads(struct qmp *q, struct dom_vcpu_thread **out, size_t *n,
                     struct lv_err *err);

#endif
