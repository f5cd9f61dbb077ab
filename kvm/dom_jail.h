/* dom_jail.h - QEMU confined as libvirt's qemu driver confines it on
 * Debian: a system-scope guest's QEMU runs as the unprivileged user and
 * group luavirt-qemu (made with useradd on first use, like libvirt-qemu),
 * with an empty capability set and bounding set and no new privileges;
 * QEMU adds its own seccomp filter (-sandbox, kvm/qemu_argv.c). What it
 * opens by path is handed over by ownership (kvm/dom_dac.h). */
#ifndef LV_DOM_JAIL_H
#define LV_DOM_JAIL_H

#include <sys/types.h>

#include "conn.h"
#include "err.h"

#define DOM_JAIL_USER "luavirt-qemu"
#define DOM_JAIL_MAX_GROUPS 16

struct dom_jail {
    int on;                /* 0: QEMU runs as the caller (session scope) */
    uid_t uid;
    gid_t gid;
    gid_t groups[DOM_JAIL_MAX_GROUPS];  /* supplementary: the user's, kvm */
    int n_groups;
};

/* Whether c's guests are confined (system scope, run by root) and as
 * whom, into *j; the user is created on first use (execve of
 * /usr/sbin/useradd). Returns 0 (j->on 0 for session scope), or -1 with
 * err when the user is missing and cannot be made. */
int dom_jail_get(const struct lv_conn *c, struct dom_jail *j,
                 struct lv_err *err);

/* The same for the supervisor, which has no connection: the user must
 * exist. */
int dom_jail_lookup(struct dom_jail *j, struct lv_err *err);

/* lv_spawn's child_setup (arg: a struct dom_jail *): in the child between
 * fork and exec, drop the bounding set and ambient capabilities, take
 * the jail's groups, gid and uid (which clears the permitted and
 * effective sets), clear what capabilities remain and set no-new-privs.
 * Async-signal-safe; returns 0, or -1 with errno. */
int dom_jail_enter(const void *arg);

/* Can the jail's user reach path with access mode (R_OK, W_OK, X_OK)?
 * Asked of a child that takes the user's credentials. 0 yes; -1 with err
 * naming path and the cause. Always 0 when j is off. */
int dom_jail_check(const struct dom_jail *j, const char *path, int mode,
                   struct lv_err *err);

#endif
