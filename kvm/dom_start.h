/* dom_start.h - starting a guest: the definition becomes a QEMU argv, a
 * supervisor is spawned to own QEMU, and the call returns when the guest is
 * running (or paused, when asked), or with QEMU's own reason for failing. */
#ifndef LV_DOM_START_H
#define LV_DOM_START_H

#include "conn.h"
#include "dom_def.h"
#include "err.h"

struct dom_start_opts {
    int paused;            /* leave the vcpus stopped (virsh start --paused) */
    int timeout_ms;        /* 0: default (120 s; TCG under load is slow) */
    int incoming;          /* QEMU waits for a migration stream (-incoming
                            * defer): restore, see dom_save.h */
};

/* Start the persistent domain name. Takes the domain's lock; a running
 * domain is an LV_E_STATE error naming its pid; nothing is left behind on
 * failure. */
int dom_start(struct lv_conn *c, const char *name,
              const struct dom_start_opts *o, struct lv_err *err);

/* Create and start a transient domain from def (virsh create). The name
 * must not be taken by a running domain or by another domain's
 * definition. def is not taken over. */
int dom_create(struct lv_conn *c, const struct dom_def *def,
               const struct dom_start_opts *o, struct lv_err *err);

/* Decide the accelerator for def: 1 kvm, 0 tcg, -1 with err (type='kvm'
 * on a host without usable KVM, naming the reason). */
int dom_start_accel(const struct lv_conn *c, const struct dom_def *def,
                    struct lv_err *err);

#endif
